/* Literal and token errors are reported where they are, and parsing goes on. */
int octal = 09;
int suffix = 12lul;
long big = 123456789012345678901234567890;
char esc = '\x';
char empty = '';
const char *mixed = u"a" U"b";
int stray = 1 # 2;
int fine = 0x10;
