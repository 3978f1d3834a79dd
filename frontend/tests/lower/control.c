int loops(int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
        if (i == 3)
            continue;
        if (i > 10)
            break;
        sum += i;
    }
    while (sum > 100)
        sum -= 7;
    do {
        sum++;
    } while (sum < 5);
    return sum;
}

int sw(int x) {
    switch (x) {
    case 0:
        return 10;
    case 1:
    case 2:
        x += 5;
        break;
    case 10 ... 20:
        return 30;
    default:
        x = -1;
    }
    return x;
}

int jumps(int x) {
    if (x < 0)
        goto fail;
    return x;
fail:
    return -1;
}

int ternary(int a, int b) { return a > b ? a : b; }

int big_switch(unsigned int x) {
    switch (x) {
    case 1: return 10;
    case 5: return 20;
    case 9: return 30;
    case 100 ... 200: return 40;
    case 1000: return 50;
    case 0xfffffff0: return 60;
    case 7: return 70;
    default: return -1;
    }
}
