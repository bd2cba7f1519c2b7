#include "sync/hasher.h"

#include <gtest/gtest.h>

#include <memory>

#include "common/paths.h"
#include "fakes/memory_storage.h"

namespace tidemark {
namespace {

TEST(HasherTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(ToHex(HashBytes("abc", HashAlgorithm::kSha256)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HasherTest, Xxh3MatchesKnownVector) {
  // XXH3_64bits of the empty input with seed 0.
  EXPECT_EQ(ToHex(HashBytes("", HashAlgorithm::kXxh3)), "2d06800538d394c2");
}

TEST(HasherTest, HashesAnObjectThroughTheBackend) {
  MemoryStorage storage;
  storage.PutFile("a/b.jpg", "abc", 5);
  auto hashed = HashObject(storage, "a/b.jpg", HashAlgorithm::kSha256);
  ASSERT_TRUE(hashed.ok()) << hashed.status().ToString();
  EXPECT_EQ(hashed->digest, HashBytes("abc", HashAlgorithm::kSha256));
  EXPECT_EQ(hashed->entry.size, 3);
  EXPECT_EQ(hashed->entry.path, "a/b.jpg");
}

TEST(HasherTest, VanishedObjectIsNotFound) {
  MemoryStorage storage;
  auto hashed = HashObject(storage, "gone.jpg", HashAlgorithm::kSha256);
  ASSERT_FALSE(hashed.ok());
  EXPECT_TRUE(hashed.status().IsNotFound());
}

// Wraps a backend so every Stat of an opened object reports a newer mtime:
// the object changes while it is being read.
class EverChangingBackend final : public StorageBackend {
 public:
  explicit EverChangingBackend(StorageBackend& base) : base_(base) {}
  BackendCapabilities Capabilities() const override {
    return base_.Capabilities();
  }
  std::string RootUrl() const override { return base_.RootUrl(); }
  Status CheckRoot() override { return base_.CheckRoot(); }
  Result<std::unique_ptr<ListingStream>> List(const ListOptions& o) override {
    return base_.List(o);
  }
  Result<StorageEntry> Stat(std::string_view p) override {
    return base_.Stat(p);
  }
  Result<std::unique_ptr<ReadStream>> Open(std::string_view p) override {
    ++opens;
    ASSIGN_OR_RETURN(auto inner, base_.Open(p));
    return std::unique_ptr<ReadStream>(new Stream(std::move(inner), &tick_));
  }
  Result<StorageEntry> WriteFrom(std::string_view p,
                                 ByteSource& source) override {
    return base_.WriteFrom(p, source);
  }
  Status Remove(std::string_view p) override { return base_.Remove(p); }
  Status Move(std::string_view f, std::string_view t) override {
    return base_.Move(f, t);
  }
  Status Copy(std::string_view f, std::string_view t) override {
    return base_.Copy(f, t);
  }
  int opens = 0;

 private:
  class Stream final : public ReadStream {
   public:
    Stream(std::unique_ptr<ReadStream> inner, int64_t* tick)
        : inner_(std::move(inner)), tick_(tick) {}
    Result<size_t> Read(char* buf, size_t n) override {
      return inner_->Read(buf, n);
    }
    Result<StorageEntry> Stat() override {
      ASSIGN_OR_RETURN(StorageEntry e, inner_->Stat());
      e.mtime_ns += ++*tick_;
      return e;
    }

   private:
    std::unique_ptr<ReadStream> inner_;
    int64_t* tick_;
  };
  StorageBackend& base_;
  int64_t tick_ = 0;
};

TEST(HasherTest, ObjectThatKeepsChangingIsAbortedAfterRetries) {
  MemoryStorage storage;
  storage.PutFile("busy.bin", "v0", 1);
  EverChangingBackend changing(storage);
  auto hashed = HashObject(changing, "busy.bin", HashAlgorithm::kSha256,
                           /*retries=*/2);
  ASSERT_FALSE(hashed.ok());
  EXPECT_EQ(hashed.status().code(), StatusCode::kAborted);
  EXPECT_EQ(changing.opens, 3);
}

}  // namespace
}  // namespace tidemark
