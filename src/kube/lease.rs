//! The Lease objects of leader election (`coordination.k8s.io/v1`), as the
//! apiserver stores them in etcd and as client-go's `LeaseLock` reads them.
//!
//! The apiserver stores objects as JSON here, as it does when started with
//! `--storage-media-type=application/json` (its default is protobuf, which
//! `etcdctl get` would print as binary). Wall-clock times are a documented
//! stand-in: virtual time 0 is [`EPOCH`], 2025-01-01T00:00:00Z.

use std::fmt;
use std::rc::Rc;

use super::json::{self, Json};
use super::spec::Micros;

/// The wall-clock date that virtual time 0 stands for.
pub const EPOCH: &str = "2025-01-01T00:00:00Z";
/// Days from 1970-01-01 to 2025-01-01.
const EPOCH_DAYS: i64 = 20089;

/// The two leases of the control plane, both in `kube-system`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LeaseName {
    ControllerManager,
    Scheduler,
}

impl LeaseName {
    pub const ALL: [LeaseName; 2] = [LeaseName::ControllerManager, LeaseName::Scheduler];

    /// The lease's name, which is also its component's name.
    pub fn name(self) -> &'static str {
        match self {
            LeaseName::ControllerManager => "kube-controller-manager",
            LeaseName::Scheduler => "kube-scheduler",
        }
    }

    pub fn from_name(name: &str) -> Option<LeaseName> {
        LeaseName::ALL.into_iter().find(|l| l.name() == name)
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Where the apiserver keeps it in etcd.
    pub fn key(self) -> String {
        format!("{LEASE_PREFIX}{}", self.name())
    }
}

impl fmt::Display for LeaseName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The etcd prefix of the leases of `kube-system`.
pub const LEASE_PREFIX: &str = "/registry/leases/kube-system/";

/// client-go's `LeaderElectionRecord`: the lease's spec.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LeaseRecord {
    /// `hostname_uuid` of the holder; empty when released.
    pub holder: Rc<str>,
    pub duration_seconds: u64,
    pub acquire_time: Micros,
    pub renew_time: Micros,
    pub transitions: u64,
}

/// A Lease as the API returns it: its spec, its creation time, and its
/// resourceVersion (the etcd `mod_revision` of its key).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LeaseObject {
    pub name: LeaseName,
    pub record: LeaseRecord,
    pub created: Micros,
    pub resource_version: i64,
}

impl LeaseObject {
    /// The JSON the apiserver writes to etcd (no resourceVersion: etcd's
    /// revision is the version).
    pub fn encode(&self) -> String {
        let r = &self.record;
        format!(
            concat!(
                r#"{{"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{{"name":"{}","#,
                r#""namespace":"kube-system","creationTimestamp":"{}"}},"spec":{{"holderIdentity":{},"#,
                r#""leaseDurationSeconds":{},"acquireTime":"{}","renewTime":"{}","leaseTransitions":{}}}}}"#
            ),
            self.name,
            wall_time(self.created, false),
            json::quote(&r.holder),
            r.duration_seconds,
            wall_time(r.acquire_time, true),
            wall_time(r.renew_time, true),
            r.transitions
        )
    }

    /// Reads what [`LeaseObject::encode`] wrote (or anything else a user
    /// put at the key with etcdctl: then `None`, and the apiserver answers
    /// 500).
    pub fn decode(name: LeaseName, value: &str, resource_version: i64) -> Option<LeaseObject> {
        let doc = json::parse(value)?;
        let meta = doc.get("metadata")?;
        let spec = doc.get("spec")?;
        let text = |j: &Json, k: &str| j.get(k).and_then(Json::as_str).map(str::to_string);
        let time = |j: &Json, k: &str| text(j, k).and_then(|t| parse_wall_time(&t));
        let record = LeaseRecord {
            holder: text(spec, "holderIdentity").unwrap_or_default().into(),
            duration_seconds: spec.get("leaseDurationSeconds").and_then(Json::as_u64)?,
            acquire_time: time(spec, "acquireTime")?,
            renew_time: time(spec, "renewTime")?,
            transitions: spec.get("leaseTransitions").and_then(Json::as_u64).unwrap_or(0),
        };
        Some(LeaseObject { name, record, created: time(meta, "creationTimestamp")?, resource_version })
    }
}

/// Days since 1970-01-01 as (year, month, day): H. Hinnant's
/// `civil_from_days`.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The inverse of [`civil`].
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Virtual time as RFC 3339: `2025-01-01T00:00:05Z`, or with microseconds
/// (`MicroTime`) `2025-01-01T00:00:05.123456Z`.
pub fn wall_time(t: Micros, micros: bool) -> String {
    let secs = t / 1_000_000;
    let (y, mo, d) = civil(EPOCH_DAYS + (secs / 86_400) as i64);
    let s = secs % 86_400;
    let hms = format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    if micros {
        format!("{hms}.{:06}Z", t % 1_000_000)
    } else {
        format!("{hms}Z")
    }
}

/// Reads [`wall_time`]'s forms back; `None` for other dates or before the
/// epoch.
pub fn parse_wall_time(text: &str) -> Option<Micros> {
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<u64>().ok();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let frac = match &text[19..] {
        "Z" => 0,
        rest => {
            let digits = rest.strip_prefix('.')?.strip_suffix('Z')?;
            if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            digits.parse::<u64>().ok()? * 10u64.pow(6 - digits.len() as u32)
        }
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let days = days_from_civil(y as i64, mo as u32, d as u32) - EPOCH_DAYS;
    let days = u64::try_from(days).ok()?;
    Some(((days * 86_400 + h * 3600 + mi * 60 + s) * 1_000_000) + frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_time_reads_as_a_date_after_the_epoch() {
        assert_eq!(wall_time(0, false), EPOCH);
        assert_eq!(wall_time(5_123_456, true), "2025-01-01T00:00:05.123456Z");
        assert_eq!(wall_time(86_400_000_000 * 59, false), "2025-03-01T00:00:00Z");
        for t in [0, 5_123_456, 3_600_000_001, 86_400_000_000 * 400 + 7] {
            assert_eq!(parse_wall_time(&wall_time(t, true)), Some(t));
        }
        assert_eq!(parse_wall_time("2024-12-31T23:59:59Z"), None);
        assert_eq!(parse_wall_time("2025-01-01T00:00:00.Z"), None);
    }

    #[test]
    fn a_lease_round_trips_through_its_json() {
        let lease = LeaseObject {
            name: LeaseName::Scheduler,
            record: LeaseRecord {
                holder: "cp1_1b4e28ba-2fa1-11d2-883f-0016d3cca427".into(),
                duration_seconds: 15,
                acquire_time: 1_000_000,
                renew_time: 9_250_000,
                transitions: 2,
            },
            created: 1_000_000,
            resource_version: 0,
        };
        let text = lease.encode();
        assert!(text.starts_with(
            r#"{"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{"name":"kube-scheduler""#
        ));
        assert!(text.contains(r#""renewTime":"2025-01-01T00:00:09.250000Z""#), "{text}");
        assert!(!text.contains(' '), "one word, as etcdctl prints it on one line: {text}");
        let back = LeaseObject::decode(LeaseName::Scheduler, &text, 7).unwrap();
        assert_eq!(back, LeaseObject { resource_version: 7, ..lease });
        assert_eq!(LeaseObject::decode(LeaseName::Scheduler, "garbage", 7), None);
        assert_eq!(LeaseName::Scheduler.key(), "/registry/leases/kube-system/kube-scheduler");
    }
}
