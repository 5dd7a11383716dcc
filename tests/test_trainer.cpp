#define BOOST_TEST_MODULE trainer
#include "testing.hpp"
BOOST_AUTO_TEST_CASE(x){}
