#include "fakes/faulty_storage.h"

#include <utility>

namespace tidemark {
namespace {

class FaultyListing final : public ListingStream {
 public:
  FaultyListing(std::unique_ptr<ListingStream> inner,
                const std::set<std::string>& hidden, int fail_after,
                Status failure, int action_at, std::function<void()> action)
      : inner_(std::move(inner)),
        hidden_(hidden),
        fail_after_(fail_after),
        failure_(std::move(failure)),
        action_at_(action_at),
        action_(std::move(action)) {}

  Result<bool> Next(ListItem* item) override {
    for (;;) {
      if (fail_after_ >= 0 && passed_ >= fail_after_) return failure_;
      ASSIGN_OR_RETURN(bool more, inner_->Next(item));
      if (!more) return false;
      if (item->type == ListItem::Type::kEntry &&
          hidden_.contains(item->entry.path)) {
        continue;
      }
      if (passed_ == action_at_ && action_) action_();
      ++passed_;
      return true;
    }
  }

 private:
  std::unique_ptr<ListingStream> inner_;
  const std::set<std::string> hidden_;
  const int fail_after_;
  const Status failure_;
  const int action_at_;
  const std::function<void()> action_;
  int passed_ = 0;
};

}  // namespace

Result<std::unique_ptr<ListingStream>> FaultyStorage::List(
    const ListOptions& options) {
  ASSIGN_OR_RETURN(auto inner, target().List(options));
  return std::unique_ptr<ListingStream>(new FaultyListing(
      std::move(inner), hidden_, fail_after_, failure_, action_at_, action_));
}

}  // namespace tidemark
