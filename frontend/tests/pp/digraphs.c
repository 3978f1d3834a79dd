/* Digraphs (C17 6.4.6p3) are the same tokens as what they stand for, directives too. */
%:define STR(x) %:x
%:define CAT(a, b) a %:%: b
int arr<:2:> = <% 1, 2 %>;
const char *s = STR(<:);
int CAT(ab, cd);
