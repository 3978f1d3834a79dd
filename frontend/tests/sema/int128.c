unsigned __int128 big;
long f(void) {
    return big;
}
