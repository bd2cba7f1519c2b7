// Tests of Layout with the built-in `cars` profile (seed 000): cars, their
// 14 slots, markers, and paths that fail to parse.
#include "layout/layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tidemark::layout {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr char kCar[] = "Toyota Camry 1HGBH41JXMN109186";
constexpr char kVin[] = "1HGBH41JXMN109186";

std::string CarPath() { return std::string("MSK/") + kCar; }

class CarsLayoutTest : public ::testing::Test {
 protected:
  static Layout MakeLayout() {
    Result<Profile> profile = BuiltinProfile("cars");
    EXPECT_TRUE(profile.ok()) << profile.status().ToString();
    return Layout(std::move(profile).value());
  }

  Layout layout_ = MakeLayout();
};

TEST_F(CarsLayoutTest, BuyoutPhotoBelongsToCarAndSlot) {
  const std::string path = CarPath() + "/2. Выкуп фото/3. " + kCar + "/a.jpg";
  PathMatch match = layout_.Match(path);
  ASSERT_TRUE(match.ok()) << match.error;
  ASSERT_EQ(match.entities.size(), 2u);

  const EntityRef& car = match.entities[0];
  EXPECT_EQ(car.rule, 0u);
  EXPECT_EQ(car.kind, "car");
  EXPECT_EQ(car.key, std::string("MSK/") + kVin);
  EXPECT_EQ(car.path, CarPath());
  EXPECT_EQ(car.parent_kind, "");
  EXPECT_EQ(car.parent_key, "");
  EXPECT_THAT(car.attrs,
              ElementsAre(Pair("region", "MSK"), Pair("make", "Toyota"),
                          Pair("model", "Camry"), Pair("vin", kVin)));
  EXPECT_EQ(car.captures.at("car"), kCar);
  EXPECT_EQ(car.captures.at("make"), "Toyota");
  EXPECT_EQ(car.captures.at("model"), "Camry");
  EXPECT_EQ(car.captures.at("vin"), kVin);
  EXPECT_EQ(car.captures.at("region"), "MSK");

  const EntityRef& slot = match.entities[1];
  EXPECT_EQ(slot.rule, 2u);
  EXPECT_EQ(slot.kind, "slot");
  EXPECT_EQ(slot.key, std::string("MSK/") + kVin + "/buyout/3");
  EXPECT_EQ(slot.path, CarPath() + "/2. Выкуп фото/3. " + kCar);
  EXPECT_EQ(slot.parent_kind, "car");
  EXPECT_EQ(slot.parent_key, car.key);
  EXPECT_THAT(slot.attrs, ElementsAre(Pair("slot_type", "buyout"),
                                      Pair("slot_index", "3")));
  EXPECT_EQ(slot.captures.at("index"), "3");
  EXPECT_EQ(slot.captures.at("vin"), kVin);
}

TEST_F(CarsLayoutTest, DealerAndDummiesPhotos) {
  PathMatch dealer =
      layout_.Match(CarPath() + "/1. Дилер фото/" + kCar + "/front.jpg");
  ASSERT_TRUE(dealer.ok()) << dealer.error;
  ASSERT_EQ(dealer.entities.size(), 2u);
  EXPECT_EQ(dealer.entities[1].rule, 1u);
  EXPECT_EQ(dealer.entities[1].key, std::string("MSK/") + kVin + "/dealer/1");
  EXPECT_THAT(dealer.entities[1].attrs, ElementsAre(Pair("slot_type", "dealer"),
                                                    Pair("slot_index", "1")));

  PathMatch dummies =
      layout_.Match(CarPath() + "/3. Муляги фото/5. " + kCar + "/x.png");
  ASSERT_TRUE(dummies.ok()) << dummies.error;
  ASSERT_EQ(dummies.entities.size(), 2u);
  EXPECT_EQ(dummies.entities[1].rule, 3u);
  EXPECT_EQ(dummies.entities[1].key, std::string("MSK/") + kVin + "/dummies/5");
  EXPECT_THAT(
      dummies.entities[1].attrs,
      ElementsAre(Pair("slot_type", "dummies"), Pair("slot_index", "5")));
}

TEST_F(CarsLayoutTest, MultiWordModel) {
  PathMatch match =
      layout_.Match("SPB/BMW X5 M Sport WBAFR1C58BC286113/notes.txt");
  ASSERT_TRUE(match.ok()) << match.error;
  ASSERT_EQ(match.entities.size(), 1u);
  const EntityRef& car = match.entities[0];
  EXPECT_EQ(car.key, "SPB/WBAFR1C58BC286113");
  EXPECT_EQ(car.captures.at("make"), "BMW");
  EXPECT_EQ(car.captures.at("model"), "X5 M Sport");
  EXPECT_EQ(car.captures.at("vin"), "WBAFR1C58BC286113");
}

// The seed's rule is "the last 17 alphanumeric characters": a VIN joined
// to the model by a hyphen counts; one glued to more letters does not.
TEST_F(CarsLayoutTest, VinIsTheLastSeventeenAlphanumerics) {
  PathMatch hyphen = layout_.Match("SPB/Kia Rio-XWEDC41BBK0001234/a.jpg");
  ASSERT_TRUE(hyphen.ok()) << hyphen.error;
  const EntityRef& car = hyphen.entities.at(0);
  EXPECT_EQ(car.captures.at("make"), "Kia");
  EXPECT_EQ(car.captures.at("model"), "Rio");
  EXPECT_EQ(car.captures.at("vin"), "XWEDC41BBK0001234");
  PathMatch glued = layout_.Match("SPB/Kia RioXWEDC41BBK0001234/a.jpg");
  EXPECT_FALSE(glued.ok());
  EXPECT_THAT(glued.error, HasSubstr("17-character VIN"));
  PathMatch no_model = layout_.Match("SPB/Kia-XWEDC41BBK0001234/a.jpg");
  EXPECT_FALSE(no_model.ok());
  EXPECT_THAT(no_model.error, HasSubstr("model is missing"));
}

TEST_F(CarsLayoutTest, LockFileInSlotFolder) {
  PathMatch match =
      layout_.Match(CarPath() + "/2. Выкуп фото/8. " + kCar + "/_LOCK.json");
  ASSERT_TRUE(match.ok()) << match.error;
  ASSERT_EQ(match.entities.size(), 2u);
  const EntityRef& slot = match.entities[1];
  EXPECT_EQ(slot.key, std::string("MSK/") + kVin + "/buyout/8");
  EXPECT_TRUE(layout_.IsMarker(slot.rule, "_LOCK.json"));
  EXPECT_FALSE(layout_.IsMarker(slot.rule, "a.jpg"));
  EXPECT_FALSE(layout_.IsMarker(slot.rule, "_lock.json"));
  EXPECT_FALSE(layout_.IsMarker(match.entities[0].rule, "_LOCK.json"));
  EXPECT_FALSE(layout_.IsMarker(99, "_LOCK.json"));
}

TEST_F(CarsLayoutTest, FileDeepInSlotFolderBelongsToSlot) {
  PathMatch match =
      layout_.Match(CarPath() + "/2. Выкуп фото/1. " + kCar + "/raw/sub/b.jpg");
  ASSERT_TRUE(match.ok()) << match.error;
  ASSERT_EQ(match.entities.size(), 2u);
  EXPECT_EQ(match.entities[1].path, CarPath() + "/2. Выкуп фото/1. " + kCar);
}

TEST_F(CarsLayoutTest, BuyoutIndexOutOfRangeFails) {
  PathMatch match =
      layout_.Match(CarPath() + "/2. Выкуп фото/9. " + kCar + "/a.jpg");
  EXPECT_FALSE(match.ok());
  EXPECT_TRUE(match.entities.empty());
  EXPECT_THAT(match.error, HasSubstr(std::string("slot folder '9. ") + kCar));
  EXPECT_THAT(match.error, HasSubstr("index 9 is out of range [1, 8]"));
}

TEST_F(CarsLayoutTest, BuyoutIndexNotANumberFails) {
  for (const char* index : {"x", "03", "+3", "3a"}) {
    PathMatch match = layout_.Match(CarPath() + "/2. Выкуп фото/" + index +
                                    ". " + kCar + "/a.jpg");
    EXPECT_FALSE(match.ok()) << index;
    EXPECT_TRUE(match.entities.empty());
    EXPECT_THAT(match.error, HasSubstr("is not a decimal integer")) << index;
  }
}

TEST_F(CarsLayoutTest, BadVinFailsWithClearMessage) {
  PathMatch match = layout_.Match("MSK/Toyota Camry 123/a.jpg");
  EXPECT_FALSE(match.ok());
  EXPECT_TRUE(match.entities.empty());
  EXPECT_THAT(match.error,
              HasSubstr("car folder 'Toyota Camry 123': the name must end in "
                        "a 17-character VIN"));
}

TEST_F(CarsLayoutTest, VinWithPunctuationFails) {
  PathMatch match = layout_.Match("MSK/Toyota Camry 1HGBH41JXMN10918-/a.jpg");
  EXPECT_FALSE(match.ok());
  EXPECT_THAT(match.error, HasSubstr("letters A-Z and digits"));
}

TEST_F(CarsLayoutTest, CarNameNeedsMakeModelAndVin) {
  PathMatch two_words = layout_.Match(std::string("MSK/Toyota ") + kVin + "/a");
  EXPECT_FALSE(two_words.ok());
  EXPECT_THAT(two_words.error, HasSubstr("model is missing"));
  PathMatch one_word = layout_.Match(std::string("MSK/") + kVin + "/a.jpg");
  EXPECT_FALSE(one_word.ok());
  EXPECT_THAT(one_word.error, HasSubstr("car folder '"));
}

TEST_F(CarsLayoutTest, FileDirectlyUnderRegionMatchesNoRule) {
  PathMatch match = layout_.Match("MSK/a.jpg");
  EXPECT_FALSE(match.ok());
  EXPECT_TRUE(match.entities.empty());
  EXPECT_EQ(match.error,
            "matches no rule of layout 'cars' (expected {region}/{car}/...)");
  EXPECT_FALSE(layout_.Match("a.jpg").ok());
  EXPECT_FALSE(layout_.Match("").ok());
}

TEST_F(CarsLayoutTest, FileDirectlyInCarFolderBelongsToCarOnly) {
  for (const std::string& path :
       {CarPath() + "/notes.txt", CarPath() + "/2. Выкуп фото/a.jpg",
        CarPath() + "/4. Прочее/5. " + kCar + "/a.jpg"}) {
    PathMatch match = layout_.Match(path);
    ASSERT_TRUE(match.ok()) << path << ": " << match.error;
    ASSERT_EQ(match.entities.size(), 1u) << path;
    EXPECT_EQ(match.entities[0].kind, "car");
  }
}

TEST_F(CarsLayoutTest, MismatchedCarNameInSlotFolderIsNotASlot) {
  PathMatch match = layout_.Match(
      CarPath() + "/2. Выкуп фото/3. Toyota Corolla 1HGBH41JXMN109186/a.jpg");
  ASSERT_TRUE(match.ok()) << match.error;
  ASSERT_EQ(match.entities.size(), 1u);
  EXPECT_EQ(match.entities[0].kind, "car");
  PathMatch dealer = layout_.Match(CarPath() + "/1. Дилер фото/Other/a.jpg");
  ASSERT_TRUE(dealer.ok()) << dealer.error;
  EXPECT_EQ(dealer.entities.size(), 1u);
}

TEST_F(CarsLayoutTest, ExpectedChildrenOfACarAreItsFourteenSlots) {
  PathMatch match = layout_.Match(CarPath() + "/notes.txt");
  ASSERT_TRUE(match.ok()) << match.error;
  const EntityRef& car = match.entities[0];
  std::vector<EntityRef> slots = layout_.ExpectedChildren(car);
  ASSERT_EQ(slots.size(), 14u);
  std::vector<std::string> keys;
  for (const EntityRef& slot : slots) {
    keys.push_back(slot.key.substr(std::string("MSK/").size() + 18));
    EXPECT_EQ(slot.kind, "slot");
    EXPECT_EQ(slot.parent_kind, "car");
    EXPECT_EQ(slot.parent_key, car.key);
  }
  EXPECT_THAT(keys, ElementsAre("dealer/1", "buyout/1", "buyout/2", "buyout/3",
                                "buyout/4", "buyout/5", "buyout/6", "buyout/7",
                                "buyout/8", "dummies/1", "dummies/2",
                                "dummies/3", "dummies/4", "dummies/5"));
  EXPECT_EQ(slots[0].path, CarPath() + "/1. Дилер фото/" + kCar);
  EXPECT_EQ(slots[1].path, CarPath() + "/2. Выкуп фото/1. " + kCar);
  EXPECT_EQ(slots[13].path, CarPath() + "/3. Муляги фото/5. " + kCar);
  EXPECT_EQ(slots[1].rule, 2u);
  EXPECT_THAT(slots[4].attrs, ElementsAre(Pair("slot_type", "buyout"),
                                          Pair("slot_index", "4")));
  EXPECT_EQ(slots[4].captures.at("index"), "4");
  EXPECT_EQ(slots[4].captures.at("vin"), kVin);
}

TEST_F(CarsLayoutTest, ExpectedSlotsAgreeWithMatchedSlots) {
  const EntityRef car = layout_.Match(CarPath() + "/x").entities.at(0);
  for (const EntityRef& expected : layout_.ExpectedChildren(car)) {
    PathMatch match = layout_.Match(expected.path + "/_LOCK.json");
    ASSERT_TRUE(match.ok()) << match.error;
    ASSERT_EQ(match.entities.size(), 2u) << expected.path;
    const EntityRef& slot = match.entities[1];
    EXPECT_EQ(slot.rule, expected.rule);
    EXPECT_EQ(slot.key, expected.key);
    EXPECT_EQ(slot.path, expected.path);
    EXPECT_EQ(slot.attrs, expected.attrs);
    EXPECT_EQ(slot.captures, expected.captures);
  }
}

TEST_F(CarsLayoutTest, SlotsHaveNoExpectedChildren) {
  const EntityRef car = layout_.Match(CarPath() + "/x").entities.at(0);
  const EntityRef slot = layout_.ExpectedChildren(car).at(0);
  EXPECT_TRUE(layout_.ExpectedChildren(slot).empty());
  EntityRef stranger;
  stranger.kind = "truck";
  EXPECT_TRUE(layout_.ExpectedChildren(stranger).empty());
}

TEST_F(CarsLayoutTest, ProfileShape) {
  const Profile& profile = layout_.profile();
  EXPECT_EQ(layout_.name(), "cars");
  ASSERT_EQ(profile.rules.size(), 4u);
  EXPECT_EQ(profile.rules[0].split.at("car"), "make_model_vin");
  EXPECT_EQ(profile.rules[0].on_gone, OnGone::kSoftDelete);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(profile.rules[i].parent, "car");
    EXPECT_EQ(profile.rules[i].marker, "_LOCK.json");
    EXPECT_EQ(profile.rules[i].status_present, "locked");
    EXPECT_EQ(profile.rules[i].status_absent, "empty");
    EXPECT_TRUE(profile.rules[i].expected);
  }
  EXPECT_EQ(profile.rules[2].range.at("index"),
            std::make_pair(int64_t{1}, int64_t{8}));
  EXPECT_EQ(profile.rules[3].range.at("index"),
            std::make_pair(int64_t{1}, int64_t{5}));
}

}  // namespace
}  // namespace tidemark::layout
