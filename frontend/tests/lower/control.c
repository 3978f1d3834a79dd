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
