#!/bin/busybox sh
# PID 1 of the kit's test VM (test/vm/vm.ts builds it into the initramfs).
# Runs under busybox from the initramfs. Reads /job/config, written by the host:
#   MODDIR   host path of this kernel's module tree (in the kit's VM cache)
#   MODULES  modules to load before the command (no auto-load trigger: loop, tun)
#   NRW, RW0..RWn-1  host directories mounted read-write at the same path
# Then: the host's / read-only over virtio-9p, a tmpfs overlay on top (all
# writes are thrown away), pure cgroup v2 on /sys/fs/cgroup with every
# controller enabled, and the host's bash runs /run/cw-vm/cmd.sh in a chroot.
# stdout/stderr/rc go back through the 9p job share; then the VM powers off.
/bin/busybox mkdir -p /proc /sys /dev /job /lower /scratch /newroot /usr/bin /sbin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
log() { echo "cw-vm-init: $*"; }
fatal() { log "FATAL: $*"; [ -d /job/. ] && echo 125 > /job/rc; sync; poweroff -f; sleep 5; exit 1; }
KVER=$(uname -r)
log "kernel $KVER up $(cut -d' ' -f1 /proc/uptime)s"

# 1. transports (modules, or built in: then modprobe finds nothing to do)
for m in virtio_pci 9pnet_virtio 9p overlay; do modprobe $m 2>/dev/null || log "modprobe $m failed (built in?)"; done
O9P="trans=virtio,version=9p2000.L,msize=512000"
mount -t 9p -o $O9P,cache=none cwjob /job || fatal "cannot mount the job share"
[ -f /job/config ] || fatal "no /job/config"
. /job/config
mount -t 9p -o $O9P,cache=loose,ro hostroot /lower || fatal "cannot mount the host's root share"

# 2. a writable, throwaway view of the host's root: overlay(9p host root, tmpfs)
mount -t tmpfs -o mode=755 scratch /scratch
mkdir -p /scratch/upper /scratch/work
mount -t overlay -o lowerdir=/lower,upperdir=/scratch/upper,workdir=/scratch/work,index=off,redirect_dir=off,xino=off,metacopy=off overlay /newroot ||
  fatal "overlayfs over 9p failed"
R=/newroot

# 3. API filesystems, as on a freshly booted machine (empty /run), and pure cgroup v2
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm $R/dev/mqueue
ln -sfn /proc/self/fd $R/dev/fd; ln -sf /proc/self/fd/0 $R/dev/stdin
ln -sf /proc/self/fd/1 $R/dev/stdout; ln -sf /proc/self/fd/2 $R/dev/stderr
mount -t mqueue mqueue $R/dev/mqueue 2>/dev/null
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 shm $R/dev/shm
mount -t tmpfs -o mode=755 run $R/run
# the kernel was booted with cgroup_no_v1=all: no v1 hierarchy can be mounted at all
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 $R/sys/fs/cgroup ||
  mount -t cgroup2 cgroup2 $R/sys/fs/cgroup || fatal "cannot mount cgroup2"
for c in $(cat $R/sys/fs/cgroup/cgroup.controllers); do
  echo "+$c" > $R/sys/fs/cgroup/cgroup.subtree_control || log "cannot enable controller $c"
done
mkdir -p $R/run/cw-vm && mount --bind /job $R/run/cw-vm

# 4. this kernel's full module tree (in the host's cache, reached through the 9p root):
#    the kernel loads veth, ext4, ... on demand through busybox modprobe
if [ -n "$MODDIR" ] && [ -d "/lower$MODDIR" ]; then
  mkdir -p /lib/modules/$KVER $R/lib/modules/$KVER
  mount --bind /lower$MODDIR /lib/modules/$KVER
  mount --bind /lower$MODDIR $R/lib/modules/$KVER
fi
for m in $(echo "$MODULES" | tr ',' ' '); do modprobe $m || log "modprobe $m failed"; done

# 5. read-write host directories (9p, write-through) at their host paths
i=0
while [ $i -lt "$NRW" ]; do
  eval d=\$RW$i
  mkdir -p "$R$d" 2>/dev/null
  mount -t 9p -o $O9P,cache=mmap rw$i "$R$d" || fatal "cannot mount $d read-write"
  i=$((i+1))
done

hostname cw-vm
ip link set lo up

# 6. the command. stdout/stderr are pipes (as under CI), drained into the job share.
log "starting the command at $(cut -d' ' -f1 /proc/uptime)s"
mkfifo /fifo.out /fifo.err
cat /fifo.out >> /job/stdout & co=$!
cat /fifo.err >> /job/stderr & ce=$!
cd $R
chroot $R /bin/bash /run/cw-vm/cmd.sh </dev/null >/fifo.out 2>/fifo.err
rc=$?
log "the command exited rc=$rc at $(cut -d' ' -f1 /proc/uptime)s"
# kill what the command left running (it may hold the pipes), not kernel threads
for p in /proc/[0-9]*; do
  p=${p#/proc/}
  case $p in 1|$co|$ce|$$) continue;; esac
  [ -n "$(readlink /proc/$p/exe 2>/dev/null)" ] && kill -9 $p 2>/dev/null
done
wait $co $ce
echo $rc > /job/rc
sync
poweroff -f
