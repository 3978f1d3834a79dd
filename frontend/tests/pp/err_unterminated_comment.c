int before;
/* this comment
   never ends
int after;
