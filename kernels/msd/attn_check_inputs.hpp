#pragma once
// What the attention check (attn_check.cpp) reads back from GM: the tensors of one die, a
// task's query rows x = Q . s_K and, for msd, Q's pieces, alpha_q and the split's error against
// Theorem 5.1; and the activation_* fields over every task.
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/kernel.hpp"
#include "kernels/common/reference.hpp"
#include "kernels/msd/attn_plan.hpp"

namespace ascendsim::kernels::attn_check_detail {

inline constexpr double kFirst = 127, kStep = 254;  // Q's pieces: alpha = M / 127, then / 254

// A GM tensor of the expected type, `cols` wide and at least `rows` tall (the kernel declares a
// die without tasks one task's rows); its data is empty (timing-only) or complete.
const isa::TensorDecl& tensor(const isa::Program& p, const std::string& name, DType t,
                              std::uint64_t rows, std::uint64_t cols);

struct DieTensors {
  const isa::TensorDecl *q = nullptr, *k = nullptr, *v = nullptr, *s_k = nullptr, *s_v = nullptr,
                        *out = nullptr, *ws_q = nullptr, *ws_alpha = nullptr;
};
DieTensors die_tensors(const AttnPlan& plan, const isa::Program& result, std::uint32_t d);

std::vector<std::uint64_t> row_range(std::uint64_t first, std::uint64_t count);

// A task's N query rows: x = Q . s_K and, for msd, the pieces, alpha and the split error.
struct TaskQ {
  MatrixRd qm, x, q1, q2, err;  // N x d: Q, Q . s_K, ...
  Eigen::RowVectorXd s_k;
  Eigen::VectorXd q_abs_sum, alpha;
  double split_ratio = 0;  // max over rows of max |err| / Theorem 5.1's bound
};
TaskQ decode_q(const AttnPlan& plan, const DieTensors& g, std::uint64_t t);

// msd: the Q split over every task (the extra fields activation_*).
Json activation_fields(const AttnPlan& plan, const std::vector<DieTensors>& dies);

}  // namespace ascendsim::kernels::attn_check_detail
