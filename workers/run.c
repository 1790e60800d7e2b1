/* placeholder */ int lt__workers_placeholder(void); int lt__workers_placeholder(void){return 0;}
