#include "server/auth.h"

#include <gtest/gtest.h>

namespace tidemark::server {
namespace {

TEST(TokenTableTest, NoTokensMeansAdmin) {
  TokenTable open;
  auto role = open.Authenticate("");
  ASSERT_TRUE(std::holds_alternative<Role>(role));
  EXPECT_EQ(std::get<Role>(role), Role::kAdmin);
}

TEST(TokenTableTest, EachTokenHasItsRoleAndOthersAre401) {
  auto table = TokenTable::Make(
      {{"reader-secret-1", Role::kReader}, {"admin-secret-22", Role::kAdmin}});
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(std::get<Role>(table->Authenticate("Bearer reader-secret-1")),
            Role::kReader);
  EXPECT_EQ(std::get<Role>(table->Authenticate("Bearer admin-secret-22")),
            Role::kAdmin);
  for (const char* bad :
       {"", "Bearer nope-nope-nope", "Basic abc", "Bearer reader-secret-"}) {
    auto r = table->Authenticate(bad);
    ASSERT_TRUE(std::holds_alternative<HttpError>(r)) << bad;
    EXPECT_EQ(std::get<HttpError>(r).status, 401);
  }
}

TEST(TokenTableTest, ShortTokensAreRefused) {
  EXPECT_FALSE(TokenTable::Make({{"short", Role::kAdmin}}).ok());
}

TEST(RolesTest, AreOrdered) {
  EXPECT_TRUE(Allowed(Role::kAdmin, Role::kOperator));
  EXPECT_TRUE(Allowed(Role::kOperator, Role::kReader));
  EXPECT_FALSE(Allowed(Role::kReader, Role::kOperator));
  EXPECT_FALSE(Allowed(Role::kOperator, Role::kAdmin));
  EXPECT_EQ(RoleRefusal(Role::kReader, Role::kAdmin).status, 403);
}

}  // namespace
}  // namespace tidemark::server
