#!/usr/bin/env bash
# Installs paymentd on this host (or into a staging tree with --destdir): builds in release mode,
# then puts every program that exists, the migrations, the systemd units, the sysusers.d and
# tmpfiles.d snippets, the example configuration and the shell completions where systemd and
# the daemon's defaults expect them. `uninstall` removes what an install recorded. See
# docs/operations.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/install.sh [install|uninstall] [options]

Installs (default) or uninstalls paymentd, payctl, paymentd-health, mint-server and x402-buy
(each one this tree builds), migrations/, the systemd units, sysusers.d/tmpfiles.d snippets,
example configuration (never overwriting a file in /etc) and shell completions.

Options:
  --prefix DIR      installation prefix (default /usr, or $PREFIX); binaries go to DIR/bin
  --destdir DIR     stage everything under DIR (default $DESTDIR, empty: the live system);
                    nothing is activated then
  --sysconfdir DIR  configuration root (default /etc)
  --no-build        do not build; install the binaries found in --bin-dir
  --bin-dir DIR     where the built binaries are (default: swift's release bin path)
  --no-activate     on the live system, do not run systemd-sysusers, systemd-tmpfiles and
                    systemctl daemon-reload after installing
  -h, --help        this text

Examples:
  sudo scripts/install.sh                            # build, install into /usr and /etc, activate
  scripts/install.sh --destdir /tmp/stage            # stage a tree (e.g. for a package)
  sudo scripts/install.sh uninstall                  # remove what the install recorded
EOF
}

die() { echo "install.sh: $*" >&2; exit 1; }
note() { echo "install.sh: $*" >&2; }

action=install
prefix=${PREFIX:-/usr}
destdir=${DESTDIR:-}
sysconfdir=/etc
build=1
bin_dir=""
activate=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        install|uninstall) action=$1 ;;
        --prefix) prefix=${2:?--prefix needs a directory}; shift ;;
        --prefix=*) prefix=${1#*=} ;;
        --destdir) destdir=${2:?--destdir needs a directory}; shift ;;
        --destdir=*) destdir=${1#*=} ;;
        --sysconfdir) sysconfdir=${2:?--sysconfdir needs a directory}; shift ;;
        --sysconfdir=*) sysconfdir=${1#*=} ;;
        --no-build) build=0 ;;
        --bin-dir) bin_dir=${2:?--bin-dir needs a directory}; shift ;;
        --bin-dir=*) bin_dir=${1#*=} ;;
        --no-activate) activate=0 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
done
[[ "$prefix" == /* ]] || die "--prefix must be an absolute path (got $prefix)"
[[ "$sysconfdir" == /* ]] || die "--sysconfdir must be an absolute path (got $sysconfdir)"
[[ -z "$destdir" || "$destdir" == /* ]] || destdir="$(pwd)/$destdir"
prefix=${prefix%/}
destdir=${destdir%/}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

# Where things go. systemd reads units from $prefix/lib/systemd/system for /usr and /usr/local;
# systemd-sysusers and systemd-tmpfiles read only /usr/lib and /etc, so a prefix other than /usr
# puts those snippets under the configuration root.
bindir=$prefix/bin
datadir=$prefix/share/paymentd
docdir=$prefix/share/doc/paymentd
unitdir=$prefix/lib/systemd/system
if [[ "$prefix" == /usr ]]; then
    sysusersdir=/usr/lib/sysusers.d
    tmpfilesdir=/usr/lib/tmpfiles.d
else
    sysusersdir=$sysconfdir/sysusers.d
    tmpfilesdir=$sysconfdir/tmpfiles.d
fi
confdir=$sysconfdir/paymentd
credstore=$sysconfdir/credstore
manifest=$datadir/install-manifest
programs=(paymentd payctl paymentd-health mint-server x402-buy)

# ---------------------------------------------------------------------------------------------
if [[ "$action" == uninstall ]]; then
    [[ -f "$destdir$manifest" ]] || die "no install manifest at $destdir$manifest: nothing recorded to uninstall"
    # Configuration the operator changed stays; so do credentials (keys are never ours to delete).
    # Configuration first: it is compared with the installed examples, which go next.
    while IFS=$'\t' read -r kind path; do
        [[ "$kind" == config ]] || continue
        target=$destdir$path
        example=$destdir$docdir/examples/$(basename "$path")
        if [[ -f "$target" && -f "$example" ]] && cmp -s "$target" "$example"; then
            rm -f "$target"
        elif [[ -e "$target" ]]; then
            note "kept $path (changed since install)"
        fi
    done < "$destdir$manifest"
    while IFS=$'\t' read -r kind path; do
        if [[ "$kind" == file ]]; then rm -f "$destdir$path"; fi
    done < "$destdir$manifest"
    rm -f "$destdir$manifest"
    # Directories we made, deepest first, only if empty.
    for dir in "$datadir/migrations" "$datadir" "$docdir/examples" "$docdir" \
               "$prefix/share/bash-completion/completions" "$prefix/share/zsh/vendor-completions" \
               "$prefix/share/fish/vendor_completions.d" "$confdir"; do
        rmdir "$destdir$dir" 2>/dev/null || true
    done
    if [[ -z "$destdir" && "$activate" == 1 && -d /run/systemd/system ]]; then
        systemctl daemon-reload
    fi
    note "uninstalled from ${destdir:-/} (users, groups, the database and /etc/credstore are left alone)"
    exit 0
fi

# ---------------------------------------------------------------------------------------------
export PATH="/opt/swift/usr/bin:$PATH"
declared() { grep -Eq "executableTarget\(name: \"$1\"" Package.swift; }
if [[ "$build" == 1 ]]; then
    command -v swift >/dev/null || die "swift is not on PATH (expected at /opt/swift/usr/bin)"
    for program in "${programs[@]}"; do
        if declared "$program"; then
            note "building $program (release)"
            swift build -c release --product "$program" >&2
        fi
    done
    [[ -n "$bin_dir" ]] || bin_dir=$(swift build -c release --show-bin-path)
fi
[[ -n "$bin_dir" ]] || die "--no-build needs --bin-dir DIR (where the built binaries are)"
[[ -x "$bin_dir/paymentd" ]] || die "no paymentd binary in $bin_dir (build it, or point --bin-dir at it)"

recorded=()
new_configs=()
put() {  # put MODE SOURCE DEST: install one file and record it
    install -D -m "$1" "$2" "$destdir$3"
    recorded+=("file	$3")
}

for program in "${programs[@]}"; do
    if [[ -x "$bin_dir/$program" ]]; then
        put 0755 "$bin_dir/$program" "$bindir/$program"
    elif declared "$program"; then
        die "$program is part of this tree but $bin_dir/$program does not exist (build it first)"
    else
        note "skipped $program: this tree does not build it yet"
    fi
done

for migration in migrations/*.sql; do
    put 0644 "$migration" "$datadir/migrations/$(basename "$migration")"
done

# Units name /usr/bin/... and paymentd's default migrations directory; another prefix rewrites them.
for unit in systemd/*.socket systemd/*.service systemd/*.timer; do
    staged=$(mktemp)
    sed "s|/usr/bin/|$bindir/|g; s|/usr/share/doc/paymentd/|$docdir/|g; s|/etc/paymentd/|$confdir/|g; s|/etc/credstore/|$credstore/|g" \
        "$unit" > "$staged"
    put 0644 "$staged" "$unitdir/$(basename "$unit")"
    rm -f "$staged"
done
put 0644 systemd/sysusers.d/paymentd.conf "$sysusersdir/paymentd.conf"
staged=$(mktemp)
sed "s|/etc/paymentd |$confdir |; s|/etc/credstore |$credstore |" systemd/tmpfiles.d/paymentd.conf > "$staged"
put 0644 "$staged" "$tmpfilesdir/paymentd.conf"
rm -f "$staged"

put 0644 docs/operations.md "$docdir/operations.md"
put 0644 README.md "$docdir/README.md"
for example in systemd/etc/*.conf; do
    name=$(basename "$example")
    staged=$(mktemp)
    if [[ "$name" == paymentd.conf && "$datadir" != /usr/share/paymentd ]]; then
        sed "s|^# migrations_dir = .*|migrations_dir = $datadir/migrations|" "$example" > "$staged"
    else
        cp "$example" "$staged"
    fi
    put 0644 "$staged" "$docdir/examples/$name"
    # The live configuration is the operator's: written only when absent, never replaced.
    if [[ -e "$destdir$confdir/$name" ]]; then
        note "kept $confdir/$name (exists); the new example is $docdir/examples/$name"
    else
        install -D -m 0640 "$staged" "$destdir$confdir/$name"
        new_configs+=("$confdir/$name")
    fi
    # Recorded either way: uninstall removes it only while it still equals the example.
    recorded+=("config	$confdir/$name")
    rm -f "$staged"
done
# An empty libpq password file, so the unit's pgpass credential exists for databases that need
# no password (peer or trust authentication). Keys are the operator's to provide.
if [[ ! -e "$destdir$credstore/paymentd.pgpass" ]]; then
    install -d -m 0700 "$destdir$credstore"
    install -m 0600 /dev/null "$destdir$credstore/paymentd.pgpass"
fi

if [[ -x "$destdir$bindir/payctl" ]]; then
    for shell in bash zsh fish; do
        case "$shell" in
            bash) dest=$prefix/share/bash-completion/completions/payctl ;;
            zsh) dest=$prefix/share/zsh/vendor-completions/_payctl ;;
            fish) dest=$prefix/share/fish/vendor_completions.d/payctl.fish ;;
        esac
        staged=$(mktemp)
        "$destdir$bindir/payctl" --generate-completion-script "$shell" > "$staged" \
            || die "payctl --generate-completion-script $shell failed"
        put 0644 "$staged" "$dest"
        rm -f "$staged"
    done
else
    note "skipped shell completions: payctl is not installed"
fi

mkdir -p "$(dirname "$destdir$manifest")"
printf '%s\n' "${recorded[@]}" > "$destdir$manifest"

if [[ -z "$destdir" && "$activate" == 1 && -d /run/systemd/system ]]; then
    systemd-sysusers "$sysusersdir/paymentd.conf"
    systemd-tmpfiles --create "$tmpfilesdir/paymentd.conf"
    # New configuration files become readable by the daemon and its clients (the group exists now).
    for config in "${new_configs[@]}"; do chgrp paymentd "$config"; done
    systemctl daemon-reload
    note "installed and activated; next: keys into $credstore, then docs/operations.md 'Start'"
else
    note "installed into ${destdir:-/} (not activated: run systemd-sysusers, systemd-tmpfiles --create and systemctl daemon-reload on the host)"
fi
