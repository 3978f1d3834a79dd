/* The last line has no newline and ends inside a directive. */
int last;
#define LAST 1