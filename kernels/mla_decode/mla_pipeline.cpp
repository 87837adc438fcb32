// The pieces of the MLA-decode pipeline both engines share (mla_pipeline.hpp).
#include "kernels/mla_decode/mla_pipeline.hpp"

namespace ascendsim::kernels {

bool mla_preload(MlaVariant v) { return v != MlaVariant::fa_serial; }

std::vector<MlaTaskRef> task_refs(const MlaPlan& plan, const MlaCoreWork& work) {
  std::vector<MlaTaskRef> out;
  for (std::size_t k = 0; k < work.tasks.size(); ++k) {
    MlaTaskRef r;
    r.task = &work.tasks[k];
    r.group = &plan.groups[r.task->group];
    r.request = r.group->request;
    r.ws_row0 = (std::uint64_t(work.die_slot) * 2 + k % 2) * plan.R;
    out.push_back(r);
  }
  return out;
}

}  // namespace ascendsim::kernels
