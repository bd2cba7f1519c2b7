// `tidemark put`, `rm` and `mv` through the real binary over both catalogs:
// seed 003's upload, replace, delete, variant delete and variant rename
// (500ml → 1000ml), an interrupted rename finished by running it again,
// and every bad input with its message.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "catalog_kinds.h"
#include "cli_runner.h"

namespace tidemark::testing {
namespace {

const std::vector<std::string> kVariant = {
    "products/p1/500ml/hero-card/image.jpg",
    "products/p1/500ml/info-card/image.jpg",
    "products/p1/500ml/other-images/gallery1.jpg",
    "products/p1/500ml/other-images/gallery2.jpg"};

std::string Renamed(const std::string& path) {
  return "products/p1/1000ml" +
         path.substr(std::string("products/p1/500ml").size());
}

// Every file below `root`, hidden ones included, sorted.
std::vector<std::string> AllFiles(const std::string& root) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) {
      out.push_back(std::filesystem::relative(e.path(), root).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

class WritesCliTest : public CatalogKindTest {
 protected:
  void SetUp() override {
    CatalogKindTest::SetUp();
    if (IsSkipped()) return;
    std::filesystem::create_directories(ws_.root());
    RunResult r = ws_.Run({"repo", "add", "shop", ws_.root()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Seed 003's tree, catalogued by a scan.
  void SeedProducts() {
    for (const std::string& p : kVariant) ws_.Write(p, "img:" + p);
    ws_.Write("products/p1/1kg/hero-card/image.jpg", "other variant");
    ws_.Write("products/p2/500ml/hero-card/image.jpg", "other product");
    RunResult r = ws_.Run({"scan", "shop", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  nlohmann::json Files() {
    RunResult r = ws_.Run({"files", "shop", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.Json();
  }
  // path → record
  std::map<std::string, nlohmann::json> Records() {
    std::map<std::string, nlohmann::json> out;
    for (const auto& f : Files()) out[f["path"].get<std::string>()] = f;
    return out;
  }
  std::vector<std::string> CatalogPaths() { return PathsOf(Files()); }
  nlohmann::json History() {
    RunResult r = ws_.Run({"history", "shop", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.Json();
  }
  // Runs a command expected to fail with `exit_code`; returns its stderr
  // and checks that --json prints {"error", "code"}.
  std::string Fails(std::vector<std::string> args, int exit_code) {
    RunResult r = ws_.Run(args);
    EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
    args.push_back("--json");
    RunResult j = ws_.Run(args);
    EXPECT_EQ(j.exit_code, exit_code) << j.out << j.err;
    nlohmann::json doc = j.Json();
    EXPECT_TRUE(doc.is_object() && doc.contains("error") &&
                doc.contains("code"))
        << j.out;
    return r.err;
  }
};

TEST_P(WritesCliTest, PutUploadsANewFileAndRecordsIt) {
  const std::string file = ws_.WriteLocal("hero.jpg", "fresh pixels");
  RunResult r = ws_.Run({"put", "shop", kVariant[0], file, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = r.Json();
  EXPECT_EQ(j["status"], "completed");
  EXPECT_EQ(j["replaced"], false);
  EXPECT_EQ(j["record"]["size"], 12);
  EXPECT_EQ(j["operation"]["counters"]["added"], 1);
  EXPECT_EQ(ReadFileBytes(ws_.Path(kVariant[0])), "fresh pixels");
  auto records = Records();
  ASSERT_TRUE(records.contains(kVariant[0]));
  EXPECT_EQ(records[kVariant[0]]["id"], j["record"]["id"]);
  EXPECT_EQ(records[kVariant[0]]["content_hash"], j["record"]["content_hash"]);
  nlohmann::json h = History();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["type"], "on-demand");
  EXPECT_EQ(h[0]["status"], "completed");
  // A scan agrees with the record put wrote.
  RunResult scan = ws_.Run({"scan", "shop", "--json"});
  EXPECT_EQ(scan.Json()["results"][0]["rows_written"], 0) << scan.out;

  RunResult human = ws_.Run({"put", "shop", "b.jpg", file});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("uploaded 'b.jpg'"), std::string::npos) << human.out;
}

TEST_P(WritesCliTest, PutOntoAnExistingFileReplacesItAndKeepsTheRecordId) {
  SeedProducts();
  const nlohmann::json before = Records()[kVariant[0]];
  const std::string file = ws_.WriteLocal("new.jpg", "a brand new hero image");
  RunResult r = ws_.Run({"put", "shop", kVariant[0], file, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = r.Json();
  EXPECT_EQ(j["replaced"], true);
  EXPECT_EQ(j["operation"]["counters"]["updated"], 1);
  EXPECT_EQ(ReadFileBytes(ws_.Path(kVariant[0])), "a brand new hero image");
  const nlohmann::json after = Records()[kVariant[0]];
  EXPECT_EQ(after["id"], before["id"]);
  EXPECT_NE(after["content_hash"], before["content_hash"]);
  EXPECT_EQ(after["size"], 22);
  // Nothing is left aside, hidden or not.
  EXPECT_EQ(AllFiles(ws_.root()).size(), 6u);
}

TEST_P(WritesCliTest, PutReadsStandardInputForADash) {
  const std::string cmd = std::string("cd '") + ws_.dir() + "' && '" +
                          TIDEMARK_BINARY + "' --db '" + ws_.db() +
                          "' put shop from/stdin.txt - >/dev/null 2>&1";
  FILE* pipe = popen(cmd.c_str(), "w");
  ASSERT_NE(pipe, nullptr);
  std::fputs("piped bytes", pipe);
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(ReadFileBytes(ws_.Path("from/stdin.txt")), "piped bytes");
  EXPECT_EQ(CatalogPaths(), std::vector<std::string>{"from/stdin.txt"});
}

// The peak resident memory of running process `pid` so far, in KiB
// (VmHWM: of its own image; the copy of this test it was forked from does
// not count, as it would in getrusage).
int64_t PeakRssKb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::stoll(line.substr(6));
  }
  return -1;
}

// `put` streams its source into storage, hashing on the way: a 40 MiB
// upload needs no 40 MiB of memory (it held the whole upload before). It
// comes through standard input, so the peak is read while put still runs,
// every byte but a pipe's worth already through it; then the same bytes as
// FILE must store the same content and hash.
TEST_P(WritesCliTest, PutStreamsALargeUploadWithoutHoldingItInMemory) {
  constexpr size_t kSize = 40 << 20;
  const std::string source = ws_.dir() + "/big.bin";
  std::string block(1 << 20, '\0');
  {
    FILE* f = std::fopen(source.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    for (size_t i = 0; i < kSize / block.size(); ++i) {
      for (size_t j = 0; j < block.size(); j += 4096) {
        block[j] = static_cast<char>(i * 31 + j / 4096);
      }
      ASSERT_EQ(std::fwrite(block.data(), 1, block.size(), f), block.size());
    }
    std::fclose(f);
  }
  auto run = ws_.Start({"put", "shop", "media/big.bin", "-", "--json"}, "big",
                       {}, /*pipe_input=*/true);
  {
    std::ifstream in(source, std::ios::binary);
    while (in.read(block.data(), block.size()) || in.gcount() > 0) {
      ASSERT_TRUE(run->Feed(std::string_view(block.data(), in.gcount())))
          << run->err();
    }
  }
  const int64_t peak_kb = PeakRssKb(run->pid());
  run->CloseInput();
  ASSERT_EQ(run->Wait(), 0) << run->err();
  EXPECT_GT(peak_kb, 0);
  EXPECT_LT(peak_kb, 32 * 1024)
      << "a " << (kSize >> 20) << " MiB put peaked at " << peak_kb / 1024
      << " MiB of memory";
  std::cout << "40 MiB put: peak RSS " << peak_kb << " KiB\n";
  const nlohmann::json streamed = nlohmann::json::parse(run->out());
  EXPECT_EQ(streamed["record"]["size"], kSize);
  EXPECT_EQ(ReadFileBytes(ws_.Path("media/big.bin")), ReadFileBytes(source));
  // The hash taken while streaming is the file's.
  FILE* sum = popen(("sha256sum '" + source + "'").c_str(), "r");
  ASSERT_NE(sum, nullptr);
  char hex[65] = {};
  ASSERT_EQ(std::fread(hex, 1, 64, sum), 64u);
  pclose(sum);
  EXPECT_EQ(streamed["record"]["content_hash"], std::string(hex));

  RunResult file = ws_.Run({"put", "shop", "media/big.bin", source, "--json"});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(file.Json()["replaced"], true);
  EXPECT_EQ(file.Json()["record"]["content_hash"], std::string(hex));
  EXPECT_EQ(ReadFileBytes(ws_.Path("media/big.bin")), ReadFileBytes(source));
  RunResult scan = ws_.Run({"scan", "shop", "--json"});
  EXPECT_EQ(scan.Json()["results"][0]["rows_written"], 0) << scan.out;
}

// Ctrl-C or SIGTERM is the ordinary way to stop an upload: put died at
// once, leaving its hidden temporary (1.8 GB in one trial), its lease held
// and its operation `running`. Now it removes the temporary, ends the
// operation failed and lets the lease go; only SIGKILL leaves leftovers.
TEST_P(WritesCliTest, PutStopsCleanlyOnSigintAndSigterm) {
  for (const int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal == SIGINT ? "SIGINT" : "SIGTERM");
    auto run = ws_.Start({"put", "shop", "slow.bin", "-"},
                         "slow" + std::to_string(signal), {},
                         /*pipe_input=*/true);
    ASSERT_TRUE(run->Feed(std::string(1 << 20, 'x'))) << run->err();
    // The bytes so far are in its temporary; more would come, slowly.
    ASSERT_TRUE(WaitUntil([&] { return AllFiles(ws_.root()).size() == 1; }))
        << "no temporary appeared";
    run->Signal(signal);
    ASSERT_TRUE(WaitUntil([&] { return run->Exited(); }))
        << "put did not stop on the signal";
    EXPECT_EQ(run->Wait(), 4) << run->err();
    EXPECT_NE(run->err().find("stopped by a signal"), std::string::npos)
        << run->err();
    EXPECT_EQ(AllFiles(ws_.root()), std::vector<std::string>{})
        << "the temporary is gone";
    RunResult status = ws_.Run({"status", "shop", "--json"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const nlohmann::json repo = status.Json();
    EXPECT_TRUE(repo["lease"].is_null()) << repo.dump();
    EXPECT_EQ(repo["last_operation"]["status"], "failed") << repo.dump();
  }
  EXPECT_EQ(CatalogPaths(), std::vector<std::string>{});
}

// Opening a FIFO for reading waits for a writer; `put` must not: FILE is a
// regular file, and a stream goes through standard input ('-').
TEST_P(WritesCliTest, PutRefusesAFifoInsteadOfWaitingForItsWriter) {
  const std::string fifo = ws_.dir() + "/pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto run = ws_.Start({"put", "shop", "a.jpg", fifo}, "fifo");
  ASSERT_TRUE(WaitUntil([&] { return run->Exited(); }))
      << "put still waits for a writer of the FIFO";
  EXPECT_EQ(run->Wait(), 2) << run->err();
  EXPECT_NE(run->err().find("not a regular file"), std::string::npos)
      << run->err();
  EXPECT_NE(run->err().find("standard input"), std::string::npos) << run->err();
  EXPECT_FALSE(std::filesystem::exists(ws_.Path("a.jpg")));
  EXPECT_EQ(AllFiles(ws_.root()), std::vector<std::string>{});
  EXPECT_EQ(CatalogPaths(), std::vector<std::string>{});
}

// A FILE whose bytes are not what its size said (it changed while it was
// read; here a kernel file that says 0 and gives more) is not uploaded:
// nothing is written unless it arrived whole.
TEST_P(WritesCliTest, PutWritesNothingWhenFileIsNotWhatItsSizeSaid) {
  SeedProducts();
  const std::vector<std::string> before = AllFiles(ws_.root());
  for (const std::string& path : {std::string("new.txt"), kVariant[0]}) {
    RunResult r = ws_.Run({"put", "shop", path, "/proc/version"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("nothing was written"), std::string::npos) << r.err;
  }
  EXPECT_EQ(AllFiles(ws_.root()), before) << "no partial file, no leftover";
  EXPECT_EQ(ReadFileBytes(ws_.Path(kVariant[0])), "img:" + kVariant[0]);
  EXPECT_EQ(CatalogPaths().size(), 6u);
}

TEST_P(WritesCliTest, RmDeletesAFileAndItsRecord) {
  SeedProducts();
  RunResult r = ws_.Run({"rm", "shop", kVariant[0], "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = r.Json();
  EXPECT_EQ(j["records_removed"], 1);
  EXPECT_EQ(j["operation"]["counters"]["removed"], 1);
  EXPECT_FALSE(std::filesystem::exists(ws_.Path(kVariant[0])));
  EXPECT_FALSE(Records().contains(kVariant[0]));
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());
}

TEST_P(WritesCliTest, RmRecursiveDeletesAVariant) {
  SeedProducts();
  ws_.Write("products/p1/500ml/.DS_Store", "not catalogued");
  std::string err = Fails({"rm", "shop", "products/p1/500ml"}, 2);
  EXPECT_NE(err.find("-r"), std::string::npos) << err;
  EXPECT_EQ(CatalogPaths().size(), 6u);

  RunResult plan =
      ws_.Run({"rm", "shop", "products/p1/500ml", "-r", "--dry-run", "--json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_EQ(plan.Json()["dry_run"], true);
  EXPECT_EQ(plan.Json()["records_removed"], 4);
  EXPECT_EQ(CatalogPaths().size(), 6u);
  EXPECT_TRUE(std::filesystem::exists(ws_.Path(kVariant[0])));
  RunResult human_plan =
      ws_.Run({"rm", "shop", "products/p1/500ml", "-r", "--dry-run"});
  EXPECT_NE(human_plan.out.find("would remove 4 files"), std::string::npos)
      << human_plan.out;
  EXPECT_EQ(History().size(), 1u);

  RunResult r = ws_.Run({"rm", "shop", "products/p1/500ml", "-r", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = r.Json();
  EXPECT_EQ(j["records_removed"], 4);
  EXPECT_EQ(j["left_alone"],
            nlohmann::json::array({"products/p1/500ml/.DS_Store"}));
  EXPECT_EQ(CatalogPaths(), (std::vector<std::string>{
                                "products/p1/1kg/hero-card/image.jpg",
                                "products/p2/500ml/hero-card/image.jpg"}));
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());
  nlohmann::json h = History();
  EXPECT_EQ(h[0]["type"], "on-demand");
  EXPECT_EQ(h[0]["counters"]["removed"], 4);
}

TEST_P(WritesCliTest, MvRenamesAVariantKeepingIdsAndHashes) {
  SeedProducts();
  auto before = Records();
  RunResult plan = ws_.Run({"mv", "shop", "products/p1/500ml",
                            "products/p1/1000ml", "--dry-run", "--json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_EQ(plan.Json()["moved"], 4);
  EXPECT_EQ(plan.Json()["dry_run"], true);
  EXPECT_EQ(Records(), before);
  EXPECT_TRUE(std::filesystem::exists(ws_.Path(kVariant[0])));

  RunResult r = ws_.Run(
      {"mv", "shop", "products/p1/500ml", "products/p1/1000ml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = r.Json();
  EXPECT_EQ(j["moved"], 4);
  EXPECT_EQ(j["status"], "completed");
  auto after = Records();
  for (const std::string& p : kVariant) {
    EXPECT_FALSE(after.contains(p)) << p;
    ASSERT_TRUE(after.contains(Renamed(p))) << p;
    EXPECT_EQ(after[Renamed(p)]["id"], before[p]["id"]);
    EXPECT_EQ(after[Renamed(p)]["content_hash"], before[p]["content_hash"]);
    EXPECT_EQ(ReadFileBytes(ws_.Path(Renamed(p))), "img:" + p);
    EXPECT_FALSE(std::filesystem::exists(ws_.Path(p)));
  }
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());
  nlohmann::json h = History();
  EXPECT_EQ(h[0]["type"], "on-demand");
  EXPECT_EQ(h[0]["counters"]["moved"], 4);
  RunResult scan = ws_.Run({"scan", "shop", "--json"});
  EXPECT_EQ(scan.Json()["results"][0]["rows_written"], 0) << scan.out;

  RunResult human =
      ws_.Run({"mv", "shop", "products/p1/1000ml", "products/p1/750ml"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("moved 4 files"), std::string::npos) << human.out;
}

TEST_P(WritesCliTest, AnInterruptedRenameIsFinishedByRunningMvAgain) {
  SeedProducts();
  auto before = Records();
  // Half the files were moved when the first attempt died.
  for (size_t i = 0; i < 2; ++i) {
    std::filesystem::create_directories(
        std::filesystem::path(ws_.Path(Renamed(kVariant[i]))).parent_path());
    ASSERT_EQ(std::rename(ws_.Path(kVariant[i]).c_str(),
                          ws_.Path(Renamed(kVariant[i])).c_str()),
              0);
  }
  RunResult r = ws_.Run(
      {"mv", "shop", "products/p1/500ml", "products/p1/1000ml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = r.Json();
  EXPECT_EQ(j["moved"], 4);
  EXPECT_EQ(j["resumed"], 2);
  auto after = Records();
  EXPECT_EQ(after.size(), before.size());  // no duplicates
  for (const std::string& p : kVariant) {
    EXPECT_FALSE(after.contains(p)) << p;
    ASSERT_TRUE(after.contains(Renamed(p))) << p;
    EXPECT_EQ(after[Renamed(p)]["id"], before[p]["id"]);
  }
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());
}

TEST_P(WritesCliTest, MvOfOneFile) {
  SeedProducts();
  const int64_t id = Records()[kVariant[0]]["id"];
  RunResult r = ws_.Run(
      {"mv", "shop", kVariant[0], "products/p1/500ml/hero-card/cover.jpg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Records()["products/p1/500ml/hero-card/cover.jpg"]["id"], id);
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());
}

// The catalog refuses the record (a trigger raises, a real failure inside
// the real binary's transaction): every write is undone or never started,
// and nothing is left without a record.
TEST_P(WritesCliTest, AFailedCatalogWriteIsRolledBackOnStorage) {
  SeedProducts();
  const std::string old_path = "products/p1/500ml/hero-card/fail-me-old.jpg";
  const std::string new_path = "products/p1/500ml/hero-card/fail-me-new.jpg";
  ASSERT_EQ(ws_.Run({"put", "shop", old_path, ws_.WriteLocal("old.jpg", "old")})
                .exit_code,
            0);
  const nlohmann::json before = Records()[old_path];
  const std::vector<std::string> files_before = AllFiles(ws_.root());
  Status broken =
      postgres()
          ? Sql("CREATE FUNCTION fail_me() RETURNS trigger LANGUAGE plpgsql "
                "AS $$ BEGIN IF position('fail-me'::bytea in NEW.path) > 0 "
                "THEN RAISE EXCEPTION 'injected catalog failure'; END IF; "
                "RETURN NEW; END $$; CREATE TRIGGER fail_me BEFORE INSERT OR "
                "UPDATE ON file_records FOR EACH ROW EXECUTE FUNCTION "
                "fail_me();")
          : Sql("CREATE TRIGGER fail_insert BEFORE INSERT ON file_records "
                "WHEN CAST(NEW.path AS TEXT) LIKE '%fail-me%' BEGIN SELECT "
                "RAISE(ABORT, 'injected catalog failure'); END; CREATE "
                "TRIGGER fail_update BEFORE UPDATE ON file_records WHEN "
                "CAST(NEW.path AS TEXT) LIKE '%fail-me%' BEGIN SELECT "
                "RAISE(ABORT, 'injected catalog failure'); END;");
  ASSERT_TRUE(broken.ok()) << broken.ToString();

  // Upload: the object is removed again.
  RunResult put =
      ws_.Run({"put", "shop", new_path, ws_.WriteLocal("n.jpg", "new")});
  EXPECT_EQ(put.exit_code, 4) << put.err;
  EXPECT_NE(put.err.find("injected catalog failure"), std::string::npos)
      << put.err;
  EXPECT_FALSE(std::filesystem::exists(ws_.Path(new_path)));
  // Replace: the old object is back, with its record as it was.
  RunResult over =
      ws_.Run({"put", "shop", old_path, ws_.WriteLocal("n2.jpg", "newer")});
  EXPECT_EQ(over.exit_code, 4) << over.err;
  EXPECT_EQ(ReadFileBytes(ws_.Path(old_path)), "old");
  // Delete: marking the record fails first, so nothing is deleted.
  RunResult rm = ws_.Run({"rm", "shop", old_path});
  EXPECT_EQ(rm.exit_code, 4) << rm.err;
  EXPECT_EQ(ReadFileBytes(ws_.Path(old_path)), "old");

  EXPECT_EQ(AllFiles(ws_.root()), files_before);  // no leftovers, hidden or not
  const nlohmann::json after = Records()[old_path];
  EXPECT_EQ(after["id"], before["id"]);
  EXPECT_EQ(after["size"], before["size"]);
  EXPECT_EQ(after["content_hash"], before["content_hash"]);
  EXPECT_EQ(Records().count(new_path), 0u);
  RunResult check = ws_.Run({"check", "shop"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_P(WritesCliTest, BadInputsAreRefusedWithTheInputAndTheFix) {
  SeedProducts();
  const std::string file = ws_.WriteLocal("ok.jpg", "ok");
  std::string err = Fails({"put", "nosuch", "a.jpg", file}, 2);
  EXPECT_NE(err.find("no repository named 'nosuch'"), std::string::npos) << err;
  err = Fails({"put", "shop", "../escape.jpg", file}, 2);
  EXPECT_NE(err.find(".."), std::string::npos) << err;
  err = Fails({"put", "shop", "/etc/passwd", file}, 2);
  EXPECT_NE(err.find("absolute"), std::string::npos) << err;
  err = Fails({"put", "shop", "", file}, 2);
  EXPECT_NE(err.find("empty path"), std::string::npos) << err;
  err = Fails({"put", "shop", "a.jpg", ws_.dir() + "/missing.jpg"}, 2);
  EXPECT_NE(err.find("cannot read FILE"), std::string::npos) << err;
  EXPECT_NE(err.find("missing.jpg"), std::string::npos) << err;
  err = Fails({"put", "shop", "a.jpg", ws_.dir()}, 2);
  EXPECT_NE(err.find("not a regular file"), std::string::npos) << err;
  err = Fails({"put", "shop", ".hidden/a.jpg", file}, 2);
  EXPECT_NE(err.find("filters"), std::string::npos) << err;

  err = Fails({"rm", "shop", "products/p1/nothing.jpg"}, 2);
  EXPECT_NE(err.find("tidemark files shop"), std::string::npos) << err;
  err = Fails({"rm", "shop", "products/p1"}, 2);
  EXPECT_NE(err.find("add -r"), std::string::npos) << err;
  err = Fails({"rm", "nosuch", "a.jpg"}, 2);
  EXPECT_NE(err.find("no repository named"), std::string::npos) << err;

  ws_.Write("products/p1/1000ml/info-card/image.jpg", "someone else's");
  err = Fails({"mv", "shop", "products/p1/500ml", "products/p1/1000ml"}, 2);
  EXPECT_NE(err.find("already exists at 'products/p1/1000ml/info-card/"
                     "image.jpg'"),
            std::string::npos)
      << err;
  err = Fails({"mv", "shop", "products/p1/500ml", "products/p1/500ml/sub"}, 2);
  EXPECT_NE(err.find("inside the source"), std::string::npos) << err;
  err = Fails({"mv", "shop", "products/p9", "products/p10"}, 2);
  EXPECT_NE(err.find("tidemark files shop"), std::string::npos) << err;

  // Nothing was changed by any of them.
  for (const std::string& p : kVariant) {
    EXPECT_TRUE(std::filesystem::exists(ws_.Path(p))) << p;
  }
  EXPECT_EQ(CatalogPaths().size(), 6u);
  EXPECT_EQ(History().size(), 1u);  // the seeding scan
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(WritesCliTest);

}  // namespace
}  // namespace tidemark::testing
