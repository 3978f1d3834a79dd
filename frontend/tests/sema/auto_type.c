/* GNU __auto_type needs a plain name with an expression initializer, and is no
 * parameter type (clang rejects these too). */
void g(void)
{
	__auto_type *p = 0;
	__auto_type q;
	__auto_type int r = 1;
}
int h(__auto_type z);
