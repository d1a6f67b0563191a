# csms-c — one Makefile for the daemon, the FastCGI programs, the tools and
# the tests.  `make run` and `make test` are the two commands README.md
# documents; everything else here serves them.

BUILD    ?= build
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
PKGS      = libwebsockets libcjson libmariadb fcgi libcrypto
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

ifeq ($(SANITIZE),1)
CFLAGS  += $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -MMD -MP -Ilib -I$(BUILD)/gen $(PKG_CFLAGS) $(CURL_CFLAGS) -D_GNU_SOURCE \
             $(if $(MALLOC_LIBS),-DCSMS_JEMALLOC)
LIBS       = $(PKG_LIBS) -lev -lpthread -lcrypt -lm
# ocppd allocates and frees a parsed frame, its job and its reply for every
# message from many threads: jemalloc takes a fifth off its CPU per message
# against glibc's malloc (docs/benchmarks-ocppd.md).  Not under the
# sanitizers, which bring their own allocator; a build without the package
# falls back to glibc's.
ifneq ($(SANITIZE),1)
MALLOC_LIBS := $(shell pkg-config --libs jemalloc 2>/dev/null)
endif
# ocppd alone speaks HTTP out (webhooks, ocppd/notify_send.c).
CURL_CFLAGS := $(shell pkg-config --cflags libcurl 2>/dev/null)
CURL_LIBS   := $(shell pkg-config --libs libcurl 2>/dev/null)

ifneq ($(V),1)
Q = @
quiet = @printf '  %-6s %s\n' $(1) $(2);
endif

LIB_SRC    := $(wildcard lib/*.c)
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/ocpp16_schemas.o \
              $(BUILD)/gen/ocpp201_schemas.o
OCPPD_SRC  := $(wildcard ocppd/*.c)
CPSIM_SRC  := $(wildcard tools/cpsim/*.c)
API_SRC    := $(wildcard cgi-bin/api*.c)
DASH_SRC   := $(wildcard cgi-bin/dashboard*.c cgi-bin/ui-*.c)
UPLOAD_SRC := $(wildcard cgi-bin/upload*.c)
CGI_COMMON := $(filter-out $(API_SRC) $(DASH_SRC) $(UPLOAD_SRC),$(wildcard cgi-bin/*.c))
CSMSCTL_SRC := $(wildcard tools/csmsctl/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)

BINS := $(BUILD)/bin/ocppd
ifneq ($(CPSIM_SRC),)
BINS += $(BUILD)/bin/cpsim
endif
ifneq ($(CSMSCTL_SRC),)
BINS += $(BUILD)/bin/csmsctl
endif
ifneq ($(API_SRC),)
BINS += $(BUILD)/bin/api $(BUILD)/web/cgi-bin/api
endif
ifneq ($(DASH_SRC),)
BINS += $(BUILD)/bin/dashboard $(BUILD)/web/cgi-bin/dashboard
endif
ifneq ($(UPLOAD_SRC),)
BINS += $(BUILD)/bin/upload $(BUILD)/web/cgi-bin/upload
endif
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run start stop test test-asan unit clean deps bench bench-profile bench-storm bench-long format \
	check-format install-deps install uninstall backup restore fuzz cluster cluster-start \
	cluster-stop test-cluster bench-web
all: $(BINS)

$(BUILD)/libcsms.a: $(LIB_OBJ)
	$(call quiet,AR,$@)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/ocpp16_schemas.c: lib/ocpp16-schemas.json $(BUILD)/bin2c
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@)$(BUILD)/bin2c ocpp16_schemas_json < $< > $@

$(BUILD)/gen/ocpp16_schemas.o: $(BUILD)/gen/ocpp16_schemas.c
	$(call quiet,CC,$<)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/gen/ocpp201_schemas.c: lib/ocpp201-schemas.json $(BUILD)/bin2c
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@)$(BUILD)/bin2c ocpp201_schemas_json < $< > $@

$(BUILD)/gen/ocpp201_schemas.o: $(BUILD)/gen/ocpp201_schemas.c
	$(call quiet,CC,$<)$(CC) $(CFLAGS) -c $< -o $@

# The API's OpenAPI description, a real JSON file carried by the program.
$(BUILD)/gen/openapi_json.c: cgi-bin/openapi.json $(BUILD)/bin2c
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@)$(BUILD)/bin2c openapi_json < $< > $@

$(BUILD)/gen/openapi_json.o: $(BUILD)/gen/openapi_json.c
	$(call quiet,CC,$<)$(CC) $(CFLAGS) -c $< -o $@

# A host tool: built without sanitizers so generation never depends on them.
$(BUILD)/bin2c: tools/bin2c.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) -O2 -o $@ $<

# money.c: a finished session's webhook event costs what the API shows.
$(BUILD)/bin/ocppd: $(OCPPD_SRC:%.c=$(BUILD)/%.o) $(BUILD)/cgi-bin/money.o $(BUILD)/libcsms.a
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CURL_LIBS) $(MALLOC_LIBS)

# cpsim fetches and sends files over HTTP (GetLog, UpdateFirmware).
$(BUILD)/bin/cpsim: $(CPSIM_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libcsms.a
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CURL_LIBS)

$(BUILD)/bin/csmsctl: $(CSMSCTL_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libcsms.a
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/bin/api: $(API_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/openapi_json.o $(CGI_COMMON:%.c=$(BUILD)/%.o) $(BUILD)/libcsms.a
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/bin/dashboard: $(DASH_SRC:%.c=$(BUILD)/%.o) $(CGI_COMMON:%.c=$(BUILD)/%.o) $(BUILD)/libcsms.a
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/bin/upload: $(UPLOAD_SRC:%.c=$(BUILD)/%.o) $(CGI_COMMON:%.c=$(BUILD)/%.o) $(BUILD)/libcsms.a
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# The web servers map /cgi-bin/ onto a directory that holds only the
# web programs, never ocppd or the tools.
$(BUILD)/web/cgi-bin/%: $(BUILD)/bin/%
	@mkdir -p $(dir $@)
	$(Q)ln -f $< $@

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(CGI_COMMON:%.c=$(BUILD)/%.o) $(BUILD)/libcsms.a
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# The API's unit test compiles the API files in, so it needs their data.
$(BUILD)/tests/test_api_params: $(BUILD)/gen/openapi_json.o

# Unit tests of ocppd modules include their module's .c; the command
# ops (send_*.c) calls.c lists are linked as they are.
$(BUILD)/tests/test_calls: $(BUILD)/tests/unit/test_calls.o \
		$(patsubst %.c,$(BUILD)/%.o,$(wildcard ocppd/send_*.c)) $(BUILD)/libcsms.a
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

unit: $(UNIT_BINS)

# The two commands.  install-deps is a no-op when everything is present.
run: install-deps
	@$(MAKE) --no-print-directory all
	@scripts/stack.sh run

start: all
	@scripts/stack.sh start

stop:
	@scripts/stack.sh stop

# The unit tests run twice, the second time built with AddressSanitizer and
# UndefinedBehaviorSanitizer; the suite's leak check runs that build's
# ocppd through 1,000 connect/disconnect cycles.
test:
	@scripts/install-deps.sh --test
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 unit build/asan/bin/ocppd
	@CSMS_ASAN_BUILD=build/asan scripts/test.sh

# The C unit tests and the integration suite against binaries built with
# AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan:
	@scripts/install-deps.sh --test
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 all unit
	@CSMS_BUILD=build/asan scripts/test.sh

install-deps:
	@scripts/install-deps.sh

# The scale-out topology on one machine (docs/scale-out.md): 3 Galera
# nodes, 3 ocppd nodes, HAProxy, lighttpd.  Not part of make run or make
# test; its packages (haproxy, galera-4) are installed only here.
cluster:
	@scripts/install-deps.sh --cluster
	@$(MAKE) --no-print-directory all
	@scripts/cluster.sh run

cluster-start:
	@scripts/install-deps.sh --cluster
	@$(MAKE) --no-print-directory all
	@scripts/cluster.sh start

cluster-stop:
	@scripts/cluster.sh stop

# The cluster's own tests (tests/cluster), on a cluster of their own under
# var/test-cluster with their own ports; a few minutes.
test-cluster:
	@scripts/install-deps.sh --cluster
	@scripts/install-deps.sh --test
	@$(MAKE) --no-print-directory all
	@tests/cluster/run.sh

format:
	clang-format -i $(wildcard lib/*.[ch] ocppd/*.[ch] cgi-bin/*.[ch] tools/*.c tools/*/*.[ch] tests/unit/*.[ch])

check-format:
	@clang-format --dry-run -Werror $(wildcard lib/*.[ch] ocppd/*.[ch] cgi-bin/*.[ch] tools/*.c tools/*/*.[ch] tests/unit/*.[ch])

clean:
	rm -rf $(BUILD)

.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# libFuzzer on the frame parser/validator, the templates and the query
# parsers, ten minutes each (make test only replays the committed inputs).
fuzz:
	@scripts/install-deps.sh --test
	@scripts/fuzz.sh 600

# Load figures for docs/benchmarks.md (a fresh stack on ports 29000+).
bench: all
	@scripts/bench.sh

# Where ocppd's and mariadbd's CPU goes under bench's closed loop (perf).
bench-profile: all
	@scripts/bench-profile.sh

# Every API endpoint and dashboard page on 100,000 charge points and 10 M
# transactions, into docs/benchmarks-web.md (ports 29400+, var/bench-web:
# about 8 GB; the data takes 10-15 minutes to load).
bench-web: all
	@tools/bench-web.sh

# The reconnect storm after a restart, into docs/benchmarks-storm.md.
bench-storm: all
	@scripts/bench-storm.sh

# The fixed rate for ten minutes, past the buffer pool, into
# docs/benchmarks-long.md (ports 29700+, var/bench-long).
bench-long: all
	@scripts/bench-long.sh

# Installation: `make install PREFIX=/usr/local DESTDIR=/tmp/stage`.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/csms
DATADIR    ?= $(PREFIX)/share/csms
SYSCONFDIR ?= $(PREFIX)/etc/csms
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
# The web server's group (Debian: www-data; Fedora: apache): the control
# socket's group, and a supplementary group of ocppd's unit so it may give
# the socket that group.  Where the system keeps runtime files, dumps and
# the MariaDB socket.
WEB_GROUP  ?= www-data
RUNDIR     ?= /run/csms
BACKUPDIR  ?= /var/backups/csms
DB_SOCKET  ?= /run/mysqld/mysqld.sock
# Where the web server's user keeps received files and firmware images
# (docs/files.md; created by the admin, docs/deploy.md).
FILESDIR   ?= /var/lib/csms/files
SHARE_DIRS  = templates static sql lighttpd apache

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/cgi-bin \
		$(DESTDIR)$(DATADIR)/doc $(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(SYSTEMDDIR)
	install -m 755 $(BUILD)/bin/ocppd $(DESTDIR)$(SBINDIR)/ocppd
	install -m 755 $(BUILD)/bin/cpsim $(BUILD)/bin/csmsctl $(DESTDIR)$(BINDIR)/
	@# Backup and restore as programs: no checkout needed.
	sed -e 's|^installed_ocppd=$$|installed_ocppd=$(SBINDIR)/ocppd|' \
	    -e 's|^installed_conf=$$|installed_conf=$(SYSCONFDIR)/csms.conf|' \
	    scripts/backup.sh > $(BUILD)/csms-backup
	install -m 755 $(BUILD)/csms-backup $(DESTDIR)$(SBINDIR)/csms-backup
	install -m 755 $(BUILD)/csms-backup $(DESTDIR)$(SBINDIR)/csms-restore
	install -m 755 $(BUILD)/bin/api $(BUILD)/bin/dashboard $(BUILD)/bin/upload $(DESTDIR)$(LIBEXECDIR)/cgi-bin/
	for d in $(SHARE_DIRS); do \
		install -d $(DESTDIR)$(DATADIR)/$$d && \
		(cd $$d && find . -type d -exec install -d $(DESTDIR)$(DATADIR)/$$d/{} \; && \
		 find . -type f -exec install -m 644 {} $(DESTDIR)$(DATADIR)/$$d/{} \;) || exit 1; \
	done
	install -m 644 docs/*.md README.md LICENSE $(DESTDIR)$(DATADIR)/doc/
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
	    -e 's|@WEB_GROUP@|$(WEB_GROUP)|g' systemd/ocppd.service.in > $(DESTDIR)$(SYSTEMDDIR)/ocppd.service
	@# An existing config is the admin's: install the new one beside it.
	sed -e 's|^templates_dir = .*|templates_dir = $(DATADIR)/templates|' \
	    -e 's|^sql_dir = .*|sql_dir = $(DATADIR)/sql|' \
	    -e 's|^run_dir = .*|run_dir = $(RUNDIR)|' \
	    -e 's|^control_socket = .*|control_socket = $(RUNDIR)/ocppd.sock|' \
	    -e 's|^control_socket_group =.*|control_socket_group = $(WEB_GROUP)|' \
	    -e 's|^db_datadir = .*|db_datadir =|' \
	    -e 's|^db_socket = .*|db_socket = $(DB_SOCKET)|' \
	    -e 's|^backup_dir = .*|backup_dir = $(BACKUPDIR)|' \
	    -e 's|^files_dir = .*|files_dir = $(FILESDIR)|' \
	    -e 's|^csrf_secret_file = .*|csrf_secret_file = $(SYSCONFDIR)/csrf_secret|' \
	    -e 's|^db_password_file = .*|db_password_file = $(SYSCONFDIR)/db_password|' \
	    -e 's|^db_ro_password_file = .*|db_ro_password_file = $(SYSCONFDIR)/db_ro_password|' \
	    csms.conf > $(BUILD)/csms.conf.installed
	if [ -e $(DESTDIR)$(SYSCONFDIR)/csms.conf ]; then \
		install -m 640 $(BUILD)/csms.conf.installed $(DESTDIR)$(SYSCONFDIR)/csms.conf.new; \
	else \
		install -m 640 $(BUILD)/csms.conf.installed $(DESTDIR)$(SYSCONFDIR)/csms.conf; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ocppd $(DESTDIR)$(SBINDIR)/csms-backup $(DESTDIR)$(SBINDIR)/csms-restore \
		$(DESTDIR)$(BINDIR)/cpsim $(DESTDIR)$(BINDIR)/csmsctl $(DESTDIR)$(SYSTEMDDIR)/ocppd.service
	rm -rf $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)
	@echo "csms: kept $(DESTDIR)$(SYSCONFDIR) (your configuration)"

# A consistent dump while everything runs; restore refuses while any
# ocppd uses the database (installed: csms-backup, csms-restore).
backup: all
	@scripts/backup.sh backup

restore: all
	@scripts/backup.sh restore "$(FILE)"
