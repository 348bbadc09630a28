/* Network guard for the test suite, preloaded (LD_PRELOAD) into pytest and every process it starts.
 *
 * The Python-level guard in conftest.py sees only sockets made through Python; Qt, FFmpeg and the
 * engines call libc directly. This shim sits in front of libc's connect/sendto/sendmsg/getaddrinfo:
 * any attempt to reach a non-loopback address (or to resolve a real host name) is refused and
 * appended, one line each, to $HEARTH_NETGUARD_LOG, which the per-test fixture reads before and
 * after the test. It also counts, in this process, the internet sockets created and the connections
 * and datagrams addressed over IPv4/IPv6 (loopback included), so a test can assert that nothing was
 * even attempted while it ran, not only that no socket was open at its end.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static atomic_long inet_sockets, inet_contacts;

long hearth_netguard_inet_sockets(void) { return atomic_load(&inet_sockets); }
long hearth_netguard_inet_contacts(void) { return atomic_load(&inet_contacts); }

static int is_inet(const struct sockaddr *addr, socklen_t len) {
    return addr && len >= (socklen_t)sizeof(sa_family_t) && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6);
}

static void note(const char *what, const char *target) {
    const char *path = getenv("HEARTH_NETGUARD_LOG");
    if (!path) return;
    char line[512];
    int n = snprintf(line, sizeof line, "%d %s %s\n", (int)getpid(), what, target);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return;
    if (n > 0) (void)!write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    close(fd);
}

/* 1 if the address leaves the machine; fills `text` with it. */
static int external(const struct sockaddr *addr, socklen_t len, char *text, size_t size) {
    if (!addr || len < (socklen_t)sizeof(sa_family_t)) return 0;
    if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const void *)addr;
        uint32_t ip = ntohl(in->sin_addr.s_addr);
        inet_ntop(AF_INET, &in->sin_addr, text, size);
        snprintf(text + strlen(text), size - strlen(text), ":%d", ntohs(in->sin_port));
        return (ip >> 24) != 127 && ip != 0;
    }
    if (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const void *)addr;
        inet_ntop(AF_INET6, &in6->sin6_addr, text, size);
        snprintf(text + strlen(text), size - strlen(text), ":%d", ntohs(in6->sin6_port));
        if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) || IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr)) return 0;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) return in6->sin6_addr.s6_addr[12] != 127;
        return 1;
    }
    return 0; /* AF_UNIX (X11, PulseAudio, D-Bus) and netlink stay on the machine */
}

int socket(int domain, int type, int protocol) {
    static int (*real)(int, int, int);
    if (!real) real = dlsym(RTLD_NEXT, "socket");
    int fd = real(domain, type, protocol);
    if (fd >= 0 && (domain == AF_INET || domain == AF_INET6)) atomic_fetch_add(&inet_sockets, 1);
    return fd;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    static int (*real)(int, const struct sockaddr *, socklen_t);
    if (!real) real = dlsym(RTLD_NEXT, "connect");
    if (is_inet(addr, len)) atomic_fetch_add(&inet_contacts, 1);
    char text[128] = "";
    if (external(addr, len, text, sizeof text)) {
        note("connect", text);
        errno = ENETUNREACH;
        return -1;
    }
    return real(fd, addr, len);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr, socklen_t len) {
    static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
    if (!real) real = dlsym(RTLD_NEXT, "sendto");
    if (is_inet(addr, len)) atomic_fetch_add(&inet_contacts, 1);
    char text[128] = "";
    if (external(addr, len, text, sizeof text)) {
        note("sendto", text);
        errno = ENETUNREACH;
        return -1;
    }
    return real(fd, buf, n, flags, addr, len);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
    static ssize_t (*real)(int, const struct msghdr *, int);
    if (!real) real = dlsym(RTLD_NEXT, "sendmsg");
    if (msg && is_inet(msg->msg_name, msg->msg_namelen)) atomic_fetch_add(&inet_contacts, 1);
    char text[128] = "";
    if (msg && external(msg->msg_name, msg->msg_namelen, text, sizeof text)) {
        note("sendmsg", text);
        errno = ENETUNREACH;
        return -1;
    }
    return real(fd, msg, flags);
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
    static int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
    if (!real) real = dlsym(RTLD_NEXT, "getaddrinfo");
    unsigned char buf[sizeof(struct in6_addr)];
    int local = !node || !*node || strcmp(node, "localhost") == 0 || inet_pton(AF_INET, node, buf) == 1 ||
                inet_pton(AF_INET6, node, buf) == 1;
    if (!local) {
        note("resolve", node);
        return EAI_FAIL;
    }
    return real(node, service, hints, res);
}
