#include "storage/root_confinement.h"

#include <mutex>
#include <utility>

namespace tidemark {
namespace {

bool WithinAny(const std::vector<ConfinedFolder>& folders,
               const Location& location) {
  for (const ConfinedFolder& folder : folders) {
    if (LocationWithin(location, folder.as_written)) return true;
    if (folder.resolved && LocationWithin(location, *folder.resolved)) {
      return true;
    }
  }
  return false;
}

std::mutex g_mu;
std::vector<ConfinedFolder>& Folders() {
  static auto* folders = new std::vector<ConfinedFolder>();
  return *folders;
}

}  // namespace

Status JudgeConfinedRoot(const std::vector<ConfinedFolder>& folders,
                         const Location& root,
                         const std::optional<Location>& leads_to) {
  if (!WithinAny(folders, root)) return Status::Ok();
  if (leads_to && WithinAny(folders, *leads_to)) return Status::Ok();
  return Status::Unavailable(
      "storage root '" + LocationText(root) + "' " +
      (leads_to ? "now leads to '" + LocationText(*leads_to) + "'"
                : std::string("cannot be resolved")) +
      ", outside [serve] allowed_roots: a folder or link on the way was "
      "replaced after the repository was added. Nothing is read or written "
      "there; put it back, or remove the repository and add it again");
}

void ConfineRoots(std::vector<ConfinedFolder> folders) {
  std::lock_guard<std::mutex> lock(g_mu);
  Folders() = std::move(folders);
}

Status CheckConfinedRoot(const Location& root,
                         const std::optional<Location>& leads_to) {
  std::lock_guard<std::mutex> lock(g_mu);
  return JudgeConfinedRoot(Folders(), root, leads_to);
}

}  // namespace tidemark
