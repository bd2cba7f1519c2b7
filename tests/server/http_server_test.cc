// HttpServer's listening socket: the backlog it accepts connections into,
// and a port that is taken staying taken.
#include "server/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "server/metrics.h"

namespace tidemark::server {
namespace {

// Starts a non-blocking connect to 127.0.0.1:port; -1 on failure.
int StartConnect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 &&
      errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// How many of `fds` finish connecting within `wait`.
int CountConnected(std::vector<int>& fds, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::vector<bool> done(fds.size(), false);
  int connected = 0;
  while (std::chrono::steady_clock::now() < deadline &&
         connected < static_cast<int>(fds.size())) {
    for (size_t i = 0; i < fds.size(); ++i) {
      if (done[i]) continue;
      pollfd p{fds[i], POLLOUT, 0};
      if (::poll(&p, 1, 0) == 1 && (p.revents & POLLOUT)) {
        int error = 0;
        socklen_t len = sizeof(error);
        ::getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &error, &len);
        done[i] = true;
        if (error == 0) ++connected;
      }
    }
    ::usleep(10'000);
  }
  return connected;
}

TEST(HttpServerTest, ManyClientsConnectingAtOnceAreQueuedNotDropped) {
  Metrics metrics;
  HttpServer server(HttpServerOptions{}, metrics);
  ASSERT_TRUE(server.Bind("127.0.0.1", 0).ok());
  // The server does not accept (no Run): every connection waits in the
  // listen queue. With httplib's own backlog of 5, the kernel completes
  // about 6 and drops the others' SYNs until the queue has room, which it
  // never does here; the count does not depend on how fast the machine is.
  constexpr int kClients = 64;
  static_assert(kClients < HttpServer::kListenBacklog);
  std::vector<int> fds;
  for (int i = 0; i < kClients; ++i) {
    const int fd = StartConnect(server.port());
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
  }
  EXPECT_EQ(CountConnected(fds, std::chrono::seconds(10)), kClients);
  for (int fd : fds) ::close(fd);
}

TEST(HttpServerTest, APortInUseIsRefusedNamingIt) {
  Metrics metrics;
  HttpServer first(HttpServerOptions{}, metrics);
  ASSERT_TRUE(first.Bind("127.0.0.1", 0).ok());
  HttpServer second(HttpServerOptions{}, metrics);
  Status s = second.Bind("127.0.0.1", first.port());
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_NE(s.message().find(std::to_string(first.port())), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("--listen"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace tidemark::server
