#include "sync/hasher.h"

#include <gtest/gtest.h>

#include <memory>

#include "common/paths.h"
#include "fakes/memory_storage.h"
#include "fakes/storage_backend_wrapper.h"

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
class EverChangingBackend final : public StorageBackendWrapper {
 public:
  explicit EverChangingBackend(StorageBackend& base)
      : StorageBackendWrapper(base) {}
  Result<std::unique_ptr<ReadStream>> Open(std::string_view p) override {
    ++opens;
    ASSIGN_OR_RETURN(auto inner, StorageBackendWrapper::Open(p));
    return std::unique_ptr<ReadStream>(new Stream(std::move(inner), &tick_));
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
