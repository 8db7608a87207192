#include "testutil.h"
static void t(void **s){(void)s; assert_true(1);} int main(void){const struct CMUnitTest ts[]={cmocka_unit_test(t)};return cmocka_run_group_tests(ts,NULL,NULL);}
