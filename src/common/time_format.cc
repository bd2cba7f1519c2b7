#include "common/time_format.h"

#include <chrono>

namespace tidemark {
namespace {

// Writes `value` as exactly `width` digits (value < 10^width).
char* Digits(char* at, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return at + width;
}

}  // namespace

std::string_view FormatIsoTime(int64_t ns, IsoTimeBuffer& buffer) {
  if (ns == 0) return {};
  using namespace std::chrono;
  // Floor, not truncation: 1 ms before the epoch is 23:59:59.999 of the
  // day before.
  const auto ms = floor<milliseconds>(nanoseconds(ns));
  const auto day = floor<days>(ms);
  const year_month_day date{sys_days(day)};
  const hh_mm_ss<milliseconds> time(ms - day);
  const int year = static_cast<int>(date.year());
  const auto month = static_cast<unsigned>(date.month());
  const auto mday = static_cast<unsigned>(date.day());
  const auto hours = static_cast<unsigned>(time.hours().count());
  const auto minutes = static_cast<unsigned>(time.minutes().count());
  const auto seconds = static_cast<unsigned>(time.seconds().count());
  const auto millis = static_cast<unsigned>(time.subseconds().count());
  // int64 nanoseconds reach from 1677 to 2262: always four year digits.
  char* at = buffer.text;
  at = Digits(at, static_cast<unsigned>(year), 4);
  *at++ = '-';
  at = Digits(at, month, 2);
  *at++ = '-';
  at = Digits(at, mday, 2);
  *at++ = 'T';
  at = Digits(at, hours, 2);
  *at++ = ':';
  at = Digits(at, minutes, 2);
  *at++ = ':';
  at = Digits(at, seconds, 2);
  *at++ = '.';
  at = Digits(at, millis, 3);
  *at++ = 'Z';
  return {buffer.text, static_cast<size_t>(at - buffer.text)};
}

std::string FormatIsoTime(int64_t ns) {
  IsoTimeBuffer buffer;
  return std::string(FormatIsoTime(ns, buffer));
}

}  // namespace tidemark
