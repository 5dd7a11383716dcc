#define BOOST_TEST_MODULE checkpoint
#include "testing.hpp"
BOOST_AUTO_TEST_CASE(x){}
