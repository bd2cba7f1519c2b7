// The registry of storage schemes: lookup by a URL's scheme, the errors for
// unknown ones, typed per-repository options checked against each scheme's
// specs (an S3-like and a WebDAV-like scheme declared as they will be), and
// change sources only where a scheme has them.
#include "storage/backend_registry.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fakes/memory_storage.h"
#include "fakes/scripted_change_source.h"

namespace tidemark {
namespace {

std::vector<BackendOptionSpec> S3Options() {
  return {{"endpoint", OptionType::kString},
          {"region", OptionType::kString},
          {"access_key", OptionType::kString, /*required=*/true},
          {"secret_key", OptionType::kString, /*required=*/true,
           /*secret=*/true},
          {"path_style", OptionType::kBoolean},
          {"timeout_ms", OptionType::kInteger, false, false, 1, 600'000}};
}

std::vector<BackendOptionSpec> WebDavOptions() {
  return {{"user", OptionType::kString},
          {"password", OptionType::kString, false, /*secret=*/true},
          {"token", OptionType::kString, false, /*secret=*/true}};
}

// What a factory was called with.
struct Calls {
  std::vector<std::string> urls;
  std::vector<BackendOptions> options;
};

BackendOpener MemoryOpener(Calls* calls) {
  return [calls](std::string_view url, const BackendOptions& options)
             -> Result<std::unique_ptr<StorageBackend>> {
    calls->urls.emplace_back(url);
    calls->options.push_back(options);
    return std::unique_ptr<StorageBackend>(std::make_unique<MemoryStorage>());
  };
}

class BackendRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        registry_
            .Register({"file",
                       MemoryOpener(&file_calls_),
                       [this](std::string_view url, const BackendOptions&) {
                         return changes_.Factory()(std::string(url));
                       },
                       {}})
            .ok());
    ASSERT_TRUE(
        registry_
            .Register({"s3", MemoryOpener(&s3_calls_), nullptr, S3Options()})
            .ok());
    ASSERT_TRUE(registry_
                    .Register({"webdavs", MemoryOpener(&webdav_calls_), nullptr,
                               WebDavOptions()})
                    .ok());
  }

  BackendOptions S3Credentials() {
    BackendOptions options;
    options.Set("access_key", std::string("AKIDEXAMPLE"));
    options.Set("secret_key", std::string("wJalrXUtnFEMI"));
    return options;
  }

  BackendRegistry registry_;
  ScriptedChanges changes_;
  Calls file_calls_, s3_calls_, webdav_calls_;
};

TEST_F(BackendRegistryTest, OpensTheBackendOfTheUrlsScheme) {
  auto local = registry_.OpenBackend("file:///srv/photos");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(file_calls_.urls, std::vector<std::string>{"file:///srv/photos"});
  EXPECT_TRUE(s3_calls_.urls.empty());

  // Schemes are case-insensitive in URLs, as RFC 3986 has it.
  auto bucket = registry_.OpenBackend("S3://bucket/prefix", S3Credentials());
  ASSERT_TRUE(bucket.ok()) << bucket.status().ToString();
  ASSERT_EQ(s3_calls_.urls, std::vector<std::string>{"S3://bucket/prefix"});
  EXPECT_EQ(s3_calls_.options[0].GetString("access_key"), "AKIDEXAMPLE");
  EXPECT_EQ(registry_.SchemeNames(),
            (std::vector<std::string>{"file", "s3", "webdavs"}));
}

TEST_F(BackendRegistryTest, UnknownSchemeNamesItAndTheRegisteredOnes) {
  for (const auto& [url, scheme] :
       std::vector<std::pair<std::string, std::string>>{
           {"ftp://host/dir", "ftp"}, {"WebDAV://host/dir", "webdav"}}) {
    SCOPED_TRACE(url);
    auto opened = registry_.OpenBackend(url);
    ASSERT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
    const std::string& message = opened.status().message();
    EXPECT_NE(message.find("storage scheme '" + scheme + "' (in '" + url +
                           "') is not supported by this build"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("registered schemes: file, s3, webdavs"),
              std::string::npos)
        << message;
  }
  auto plain = registry_.OpenBackend("/srv/photos");
  EXPECT_EQ(plain.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(plain.status().message().find("has no scheme"), std::string::npos);
  EXPECT_TRUE(file_calls_.urls.empty()) << "no factory ran";
}

TEST_F(BackendRegistryTest, FactoryErrorsPassThrough) {
  BackendRegistry registry;
  ASSERT_TRUE(registry
                  .Register({"webdav",
                             [](std::string_view, const BackendOptions&)
                                 -> Result<std::unique_ptr<StorageBackend>> {
                               return Status::Unavailable("server is down");
                             },
                             nullptr,
                             {}})
                  .ok());
  auto opened = registry.OpenBackend("webdav://host/dir");
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(opened.status().message(), "server is down");
}

TEST_F(BackendRegistryTest, RegisterRefusesDuplicatesAndMalformedSchemes) {
  EXPECT_EQ(registry_.Register({"file", MemoryOpener(&file_calls_)}).code(),
            StatusCode::kAlreadyExists);
  for (const char* name : {"", "S3", "3s", "we b", "s3:"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(registry_.Register({name, MemoryOpener(&file_calls_)}).code(),
              StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(registry_.Register({"gcs", nullptr}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_
                .Register({"gcs",
                           MemoryOpener(&file_calls_),
                           nullptr,
                           {{"key"}, {"key", OptionType::kBoolean}}})
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_.SchemeNames(),
            (std::vector<std::string>{"file", "s3", "webdavs"}));
}

TEST_F(BackendRegistryTest, S3OptionsAreTypedAndChecked) {
  BackendOptions options = S3Credentials();
  options.Set("endpoint", std::string("http://127.0.0.1:9000"));
  options.Set("region", std::string("us-east-1"));
  options.Set("path_style", true);
  options.Set("timeout_ms", int64_t{30'000});
  ASSERT_TRUE(registry_.OpenBackend("s3://bucket/p", options).ok());
  const BackendOptions& seen = s3_calls_.options.at(0);
  EXPECT_EQ(seen.GetString("endpoint"), "http://127.0.0.1:9000");
  EXPECT_EQ(seen.GetBoolean("path_style"), true);
  EXPECT_EQ(seen.GetInteger("timeout_ms"), 30'000);
  EXPECT_EQ(seen.GetString("path_style"), std::nullopt) << "typed";

  struct Bad {
    const char* name;
    BackendOptions::Value value;
    const char* says;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"pathstyle", true,
            "has no option 'pathstyle'; its options: "
            "endpoint, region, access_key, secret_key, "
            "path_style, timeout_ms"},
           {"path_style", std::string("true"),
            "must be a boolean, not a "
            "string"},
           {"timeout_ms", std::string("30000"),
            "must be an integer, not a string"},
           {"timeout_ms", int64_t{0}, "timeout_ms"},
           {"timeout_ms", int64_t{600'001}, "timeout_ms"},
       }) {
    SCOPED_TRACE(bad.name);
    BackendOptions wrong = S3Credentials();
    wrong.Set(bad.name, bad.value);
    auto opened = registry_.OpenBackend("s3://bucket/p", wrong);
    ASSERT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(opened.status().message().find(bad.says), std::string::npos)
        << opened.status().message();
  }
  BackendOptions missing;
  missing.Set("access_key", std::string("AKIDEXAMPLE"));
  auto opened = registry_.OpenBackend("s3://bucket/p", missing);
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(opened.status().message().find("needs the option 'secret_key'"),
            std::string::npos)
      << opened.status().message();
  EXPECT_EQ(s3_calls_.urls.size(), 1u) << "only the good options opened";
}

TEST_F(BackendRegistryTest, WebDavCredentialsFitAndSecretsAreNeverShown) {
  BackendOptions options;
  options.Set("user", std::string("robot"));
  options.Set("token", std::string("y0_AgAAAA-secret"));
  ASSERT_TRUE(
      registry_.OpenBackend("webdavs://webdav.yandex.ru/cars", options).ok());
  EXPECT_EQ(webdav_calls_.options.at(0).GetString("token"), "y0_AgAAAA-secret");
  EXPECT_EQ(registry_.DescribeOptions("webdavs://h/p", options),
            "token=***, user=robot");
  options.Set("pasword", std::string("typo-ed secret"));
  EXPECT_EQ(registry_.DescribeOptions("webdavs://h/p", options),
            "pasword=***, token=***, user=robot")
      << "an undeclared option may be a misplaced secret";
  EXPECT_EQ(registry_.DescribeOptions("nope://h/p", options),
            "pasword=***, token=***, user=***");
  auto refused = registry_.OpenBackend("webdavs://h/p", options);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message().find("typo-ed"), std::string::npos);
}

TEST_F(BackendRegistryTest, OptionTextIsParsedStrictly) {
  const BackendOptionSpec path_style{"path_style", OptionType::kBoolean};
  const BackendOptionSpec timeout{
      "timeout_ms", OptionType::kInteger, false, false, 1, 600'000};
  EXPECT_EQ(std::get<bool>(*ParseOptionValue(path_style, "true")), true);
  EXPECT_EQ(std::get<int64_t>(*ParseOptionValue(timeout, "250")), 250);
  EXPECT_EQ(std::get<std::string>(
                *ParseOptionValue({"region", OptionType::kString}, " eu ")),
            " eu ");
  for (const char* text : {"yes", "1", "", "TRUE"}) {
    EXPECT_EQ(ParseOptionValue(path_style, text).status().code(),
              StatusCode::kInvalidArgument)
        << text;
  }
  for (const char* text : {"50abc", "0", "600001", " 5", ""}) {
    auto parsed = ParseOptionValue(timeout, text);
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(parsed.status().message().find("timeout_ms"), std::string::npos)
        << parsed.status().message();
  }
  const BackendOptionSpec secret_number{"pin", OptionType::kInteger, false,
                                        /*secret=*/true};
  auto parsed = ParseOptionValue(secret_number, "12x34");
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message().find("12x34"), std::string::npos)
      << parsed.status().message();
}

TEST_F(BackendRegistryTest, ChangeSourcesOnlyWhereASchemeHasThem) {
  EXPECT_TRUE(registry_.HasChangeSource("file:///srv/photos"));
  EXPECT_FALSE(registry_.HasChangeSource("s3://bucket/p"));
  EXPECT_FALSE(registry_.HasChangeSource("ftp://host/p"));
  EXPECT_FALSE(registry_.HasChangeSource("/srv/photos"));

  auto source = registry_.OpenChangeSource("file:///srv/photos");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  ASSERT_NE(*source, nullptr);
  auto none = registry_.OpenChangeSource("s3://bucket/p", S3Credentials());
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("'s3' has no change events"),
            std::string::npos);
  EXPECT_EQ(registry_.OpenChangeSource("ftp://host/p").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tidemark
