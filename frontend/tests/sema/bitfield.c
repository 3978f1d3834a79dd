struct flags {
    unsigned int a : 40;
    int b : 0;
    long c : 3;
};
