__int128 big;
