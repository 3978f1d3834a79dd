#if
#endif
#if 1 +
#endif
#if 1 / 0
#endif
#if (1
#endif
#if 1 ? 2
#endif
#if "string"
#endif
#if 1.5
#endif
#if defined
#endif
#if 99999999999999999999
#endif
int after;
