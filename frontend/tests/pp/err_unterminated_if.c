int ok;
#if 1
int inside;
#ifdef X
