#define BOOST_TEST_MODULE gradcheck
#include "analysis_testing.hpp"
BOOST_AUTO_TEST_CASE(placeholder_to_replace) {}
