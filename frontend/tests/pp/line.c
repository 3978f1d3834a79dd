/* #line changes what __LINE__ and __FILE__ report from the next line on. */
int before = __LINE__;
#line 100
int after = __LINE__;
#line 200 "renamed.c"
int renamed_line = __LINE__;
const char *renamed_file = __FILE__;
#define F(x) x __LINE__
#define L __LINE__
int in_args = F(
  __LINE__
  );
int object_in_arg = F(L
);
