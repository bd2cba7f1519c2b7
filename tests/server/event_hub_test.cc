#include "server/event_hub.h"

#include <gtest/gtest.h>

#include <thread>

namespace tidemark::server {
namespace {

using std::chrono::milliseconds;

TEST(EventHubTest, ResumesAfterALastEventId) {
  EventHub hub(10, 1);
  for (int i = 0; i < 5; ++i) hub.Publish("ResourceChanged", {{"i", i}}, "");
  EventHub::Batch b = hub.Read(2, 100, milliseconds(0));
  ASSERT_EQ(b.events.size(), 3u);
  EXPECT_EQ(b.events.front().id, 3);
  EXPECT_EQ(b.next_after, 5);
  EXPECT_FALSE(b.reset);
}

TEST(EventHubTest, ResetWhenTheIdFellOutOfTheBuffer) {
  EventHub hub(3, 1);
  for (int i = 0; i < 6; ++i) hub.Publish("ResourceChanged", {{"i", i}}, "");
  EventHub::Batch b = hub.Read(1, 100, milliseconds(0));
  EXPECT_TRUE(b.reset);
  EXPECT_TRUE(b.events.empty());
  EXPECT_EQ(b.next_after, 6);
  // An id this hub never gave (a restart) resets too.
  EXPECT_TRUE(hub.Read(99, 100, milliseconds(0)).reset);
  // The oldest kept one's predecessor still continues.
  EXPECT_FALSE(hub.Read(3, 100, milliseconds(0)).reset);
}

TEST(EventHubTest, IdsOfAnEarlierRunReset) {
  // Two runs of the server, one after the other, each with its own hub.
  EventHub earlier;
  const int64_t old_id = earlier.Publish("ResourceChanged", {}, "");
  std::this_thread::sleep_for(milliseconds(2));
  EventHub later;
  for (int i = 0; i < 5; ++i) later.Publish("ResourceChanged", {}, "");
  EXPECT_GT(later.last_id(), old_id + 5);
  EventHub::Batch b = later.Read(old_id, 100, milliseconds(0));
  EXPECT_TRUE(b.reset);
  EXPECT_TRUE(b.events.empty());
  EXPECT_EQ(b.next_after, later.last_id());
  // JavaScript clients read ids as doubles: exact below 2^53.
  EXPECT_LT(later.last_id(), int64_t{1} << 53);
}

TEST(EventHubTest, CloseWakesReaders) {
  EventHub hub;
  hub.Close();
  EXPECT_TRUE(hub.Read(0, 10, milliseconds(5000)).closed);
}

TEST(EventHubTest, SseMessageHasIdTypeAndData) {
  ServerEvent e{7, "BulkOperationCompleted", {{"a", 1}}, ""};
  EXPECT_EQ(SseMessage(e),
            "id: 7\nevent: BulkOperationCompleted\ndata: {\"a\":1}\n\n");
}

}  // namespace
}  // namespace tidemark::server
