// The cgroup driver on this machine's real v1 hierarchies (v1 or hybrid layout).
import { cgroupSuite } from './cgroup-suite.ts';

cgroupSuite('cgroup driver on v1 hierarchies', ['v1', 'hybrid']);
