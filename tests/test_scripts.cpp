#define BOOST_TEST_MODULE scripts
#include "analysis_testing.hpp"
BOOST_AUTO_TEST_CASE(placeholder_to_replace) {}
