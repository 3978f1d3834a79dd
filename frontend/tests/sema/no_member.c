struct pkt { int len; };
int f(struct pkt *p) {
    return p->size;
}
