#pragma once
/// \file
/// ctgrad: symbolic differentiation of model and loss expressions at compile time.
/// Includes every public header but two opt-in ones, each of which would roughly double the
/// compile time of every file that includes ctgrad: the multi-threaded evaluation,
/// <ctgrad/runtime/thread_pool.hpp> (<thread>, <condition_variable>), and checkpoints,
/// <ctgrad/runtime/checkpoint.hpp> (<filesystem>, POSIX file calls).

#include "ctgrad/detail/config.hpp"

#include "ctgrad/check.hpp"
#include "ctgrad/derivative.hpp"
#include "ctgrad/error.hpp"
#include "ctgrad/expr/constant.hpp"
#include "ctgrad/expr/fixed_string.hpp"
#include "ctgrad/expr/node.hpp"
#include "ctgrad/expr/queries.hpp"
#include "ctgrad/expr/shape.hpp"
#include "ctgrad/expr/variable.hpp"
#include "ctgrad/ops/arithmetic.hpp"
#include "ctgrad/ops/exponential.hpp"
#include "ctgrad/ops/linear_algebra.hpp"
#include "ctgrad/ops/losses.hpp"
#include "ctgrad/ops/operation.hpp"
#include "ctgrad/ops/piecewise.hpp"
#include "ctgrad/ops/power.hpp"
#include "ctgrad/ops/reduction.hpp"
#include "ctgrad/ops/special.hpp"
#include "ctgrad/ops/trigonometric.hpp"
#include "ctgrad/print.hpp"
#include "ctgrad/runtime/adagrad.hpp"
#include "ctgrad/runtime/adam.hpp"
#include "ctgrad/runtime/bindings.hpp"
#include "ctgrad/runtime/context.hpp"
#include "ctgrad/runtime/data_views.hpp"
#include "ctgrad/runtime/domain.hpp"
#include "ctgrad/runtime/evaluate.hpp"
#include "ctgrad/runtime/hessian.hpp"
#include "ctgrad/runtime/newton.hpp"
#include "ctgrad/runtime/reduce.hpp"
#include "ctgrad/runtime/reverse.hpp"
#include "ctgrad/runtime/rmsprop.hpp"
#include "ctgrad/runtime/schedules.hpp"
#include "ctgrad/runtime/sgd.hpp"
#include "ctgrad/runtime/train.hpp"
#include "ctgrad/runtime/validate.hpp"
#include "ctgrad/runtime/value_and_grad.hpp"
#include "ctgrad/runtime/values.hpp"
#include "ctgrad/version.hpp"
