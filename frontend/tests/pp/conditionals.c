/* Conditional inclusion: #if/#elif/#else/#endif, #ifdef/#ifndef, nesting, and
   skipped groups whose contents are never lexed as code (bad characters, unknown
   directives and unbalanced quotes are fine there). */
#define FEATURE 1
#undef MISSING

#if FEATURE
int feature_on;
#else
int feature_off;
#endif

#ifdef MISSING
int missing;
#elif defined(FEATURE) && !defined MISSING
int elif_taken;
#else
int else_taken;
#endif

#ifndef MISSING
int ifndef_taken;
#endif

#if 0
  @ ` don't # stray quote
#bogus directive
#if 1
int nested_in_skipped;
#endif
#else
int zero_else;
#endif

#if 1
# if 0
int inner_zero;
# elif 1
int inner_elif;
# elif 1
int inner_second_elif;
# else
int inner_else;
# endif
#endif

#
# /* null directives */
