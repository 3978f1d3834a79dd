int a;
#endif
#else
#elif 1
#if 1
#else
#else
#endif
