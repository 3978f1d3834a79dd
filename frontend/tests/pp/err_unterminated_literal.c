const char *s = "no end;
char c = 'x;
int next_line_is_fine;
