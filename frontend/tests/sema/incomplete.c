struct opaque;
int f(struct opaque *o) {
    struct opaque local;
    return sizeof(*o);
}
