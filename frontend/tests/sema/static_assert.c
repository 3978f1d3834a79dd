struct hdr { unsigned char a; unsigned int b; };
_Static_assert(sizeof(struct hdr) == 5, "hdr must be packed");
