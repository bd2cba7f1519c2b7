// Writer-file names (what a writer keeps beside a path while it writes it)
// and the process identities in them: names round-trip, older tidemark
// versions' names are recognized without a writer, other names are not
// writer files, and a writer is alive, gone or unknown exactly as /proc
// says.
#include "common/writer_files.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/process_identity.h"

namespace tidemark {
namespace {

TEST(WriterFilesTest, NamesOfThisProcessRoundTrip) {
  const ProcessIdentity self = SystemProcessProbe().Self();
  ASSERT_TRUE(self.complete()) << "needs /proc";
  const std::string temp = NewTemporaryName();
  EXPECT_TRUE(temp.starts_with(".tidemark-")) << temp;
  EXPECT_TRUE(temp.ends_with(".tmp")) << temp;
  auto parsed = ParseWriterFile(temp);
  ASSERT_TRUE(parsed.has_value()) << temp;
  EXPECT_EQ(parsed->kind, WriterFileKind::kTemporary);
  ASSERT_TRUE(parsed->writer.has_value());
  EXPECT_EQ(*parsed->writer, self);
  EXPECT_NE(NewTemporaryName(), temp) << "numbered";

  // Names of any bytes, dots and dashes included.
  for (const std::string name : {"a.jpg", "x-y.tidemark-old-1-2", "..dots..",
                                 "\xff\xfe", "hero card.jpg"}) {
    const std::string old = NewOldCopyName(name);
    auto copy = ParseWriterFile(old);
    ASSERT_TRUE(copy.has_value()) << old;
    EXPECT_EQ(copy->kind, WriterFileKind::kOldCopy);
    EXPECT_EQ(copy->original, name);
    ASSERT_TRUE(copy->writer.has_value());
    EXPECT_EQ(*copy->writer, self);
  }
}

// A name too long for the whole writer keeps a replace possible: the old
// copy names only the pid, and its writer is unknown.
TEST(WriterFilesTest, AnOldCopyOfALongNameFitsInANameByNamingThePidOnly) {
  const std::string fits(150, 'n');
  EXPECT_TRUE(ParseWriterFile(NewOldCopyName(fits))->writer.has_value());
  const std::string fits_barely(225, 'n');
  const std::string old = NewOldCopyName(fits_barely);
  EXPECT_LE(old.size(), 255u) << old.size();
  auto parsed = ParseWriterFile(old);
  ASSERT_TRUE(parsed.has_value()) << old;
  EXPECT_EQ(parsed->original, fits_barely);
  EXPECT_FALSE(parsed->writer.has_value());
}

TEST(WriterFilesTest, OlderVersionsNamesHaveNoWriter) {
  for (const char* name :
       {".tidemark-4242-0-987654321.tmp", "._LOCK.json.tidemark-17000.tmp"}) {
    auto parsed = ParseWriterFile(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(parsed->kind, WriterFileKind::kTemporary);
    EXPECT_FALSE(parsed->writer.has_value()) << name;
  }
  auto old = ParseWriterFile(".image.jpg.tidemark-old-4242-3");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->kind, WriterFileKind::kOldCopy);
  EXPECT_EQ(old->original, "image.jpg");
  EXPECT_FALSE(old->writer.has_value());
}

TEST(WriterFilesTest, OtherNamesAreNotWriterFiles) {
  for (const char* name :
       {"image.jpg", "upload.tmp", ".hidden.tmp", ".tidemark-.tmp",
        ".tidemark-abc-1.tmp", ".tidemark-1-2.tmp", "tidemark-1-2-3.tmp",
        ".x.tidemark-old-", ".x.tidemark-old-1", ".x.tidemark-old-a-b",
        ".tidemark-old-1-2", "..tidemark-old-1-2", ".x.tidemark-12a.tmp",
        ".tidemark-0a1b.1.2.3-x.tmp", ".tidemark-zz.1.2.3-4.tmp", ".DS_Store",
        ""}) {
    EXPECT_FALSE(IsWriterFile(name)) << name;
  }
}

// The identity in a name is judged as the lease's is (process_identity.h):
// running, gone (a reused pid, an exited process) or unknown (another boot
// or namespace).
TEST(WriterFilesTest, TheWriterInANameIsRunningGoneOrUnknown) {
  const ProcessProbe& probe = SystemProcessProbe();
  const ProcessIdentity self = probe.Self();
  ASSERT_TRUE(self.complete()) << "needs /proc";
  auto judged = [&](const ProcessIdentity& writer) {
    auto parsed = ParseWriterFile(TemporaryName(writer, 7));
    EXPECT_TRUE(parsed.has_value() && parsed->writer.has_value());
    EXPECT_EQ(*parsed->writer, writer) << "the name carries all of it";
    return ProbeProcess(*parsed->writer, probe);
  };
  EXPECT_EQ(judged(self), ProcessFate::kRunning);

  ProcessIdentity reused = self;  // the same pid, started at another time
  ++reused.start_ticks;
  EXPECT_EQ(judged(reused), ProcessFate::kGone);

  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  waitpid(child, &status, 0);
  ProcessIdentity exited = self;
  exited.pid = child;
  EXPECT_EQ(judged(exited), ProcessFate::kGone) << "exited and reaped";

  ProcessIdentity other_boot = reused;
  other_boot.boot_id[0] = other_boot.boot_id[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(judged(other_boot), ProcessFate::kUnknown);
  ProcessIdentity other_namespace = reused;
  ++other_namespace.pid_namespace;
  EXPECT_EQ(judged(other_namespace), ProcessFate::kUnknown);
  ProcessIdentity unknown_boot = reused;
  unknown_boot.boot_id = "not a uuid";
  auto parsed = ParseWriterFile(TemporaryName(unknown_boot, 8));
  ASSERT_TRUE(parsed.has_value() && parsed->writer.has_value());
  EXPECT_EQ(ProbeProcess(*parsed->writer, probe), ProcessFate::kUnknown);
}

}  // namespace
}  // namespace tidemark
