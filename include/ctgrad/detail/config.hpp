#pragma once
/// \file
/// What ctgrad needs from the compiler, checked before anything else is read, so that an
/// unsupported build stops at one `ctgrad:` error rather than hundreds of lines of template
/// errors. Every public header includes this one first (but version.hpp: macros any standard
/// reads).
///
/// `#error` would not do: g++ and clang report it and carry on, and the C++20 code that follows
/// then fails by the hundred. An `#include` of a file that does not exist is a fatal error on
/// every compiler, and the file name is the message.

// The GNU vector extension (`__attribute__((vector_size))`) carries the SIMD evaluation
// (detail/simd_math.hpp); g++ and clang have it, and so do compilers that define either macro.
#if !defined(__GNUC__) && !defined(__clang__)
#include "ctgrad: this compiler is not supported: ctgrad needs the GNU vector extension (g++ >= 12 or clang >= 14)"
#elif !defined(__cplusplus) || __cplusplus < 202002L
#include "ctgrad: C++20 is required: compile with -std=c++20 or later (g++ >= 12 or clang >= 14)"
// Past the C++20 check, __has_include is there (it is C++17).
#elif !__has_include(<boost/hana.hpp>)
#include "ctgrad: Boost.Hana is not found: install Boost 1.74 or later (Debian: apt-get install libboost-dev) or add its include directory"
#else
#include <boost/version.hpp>  // BOOST_VERSION, a macro only
#if BOOST_VERSION < 107400
#include "ctgrad: Boost 1.74 or later is required (Debian 12: apt-get install libboost-dev)"
#endif
#endif
