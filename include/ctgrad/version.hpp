#pragma once
/// \file
/// ctgrad's version, for `#if` tests in code that supports more than one. Plain macros with no
/// C++20 in them, so that any translation unit can test for ctgrad before including the rest.
/// meson.build refuses to configure when they differ from the project version.

/// The major version: 0 while the interface may still change between minor versions.
#define CTGRAD_VERSION_MAJOR 0
/// The minor version: a 0.x release that changes it may change the interface.
#define CTGRAD_VERSION_MINOR 1
/// The patch version: fixes only.
#define CTGRAD_VERSION_PATCH 0
/// The version as a string literal, "MAJOR.MINOR.PATCH".
#define CTGRAD_VERSION_STRING "0.1.0"
/// The version as one number, MAJOR * 10000 + MINOR * 100 + PATCH, for comparisons in `#if`.
#define CTGRAD_VERSION \
  (CTGRAD_VERSION_MAJOR * 10000 + CTGRAD_VERSION_MINOR * 100 + CTGRAD_VERSION_PATCH)
