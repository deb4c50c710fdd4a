//! The requests and responses of the store, shaped as etcd's KV service
//! shapes them (`etcdserverpb.RangeRequest`, `PutRequest`,
//! `DeleteRangeRequest`, `TxnRequest` and their responses).

use std::fmt;
use std::rc::Rc;

/// etcd's logical clock: it rises by one with every change to the store.
pub type Revision = i64;

/// One key with its revisions, as etcd's `mvccpb.KeyValue` carries it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyValue {
    pub key: Rc<str>,
    /// Empty when the range asked for keys only.
    pub value: Rc<str>,
    /// The revision of the change that created the key (since it last did
    /// not exist).
    pub create_revision: Revision,
    /// The revision of the last change to the key: what Kubernetes calls
    /// the object's `resourceVersion`.
    pub mod_revision: Revision,
    /// How many times the key was written since it was created (1 after
    /// the first put).
    pub version: i64,
}

/// The keys a range or a delete acts on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Keys {
    /// One key.
    Key(Rc<str>),
    /// Every key that starts with the prefix (`--prefix`); the empty prefix
    /// is every key.
    Prefix(Rc<str>),
}

impl Keys {
    pub fn contains(&self, key: &str) -> bool {
        match self {
            Keys::Key(k) => &**k == key,
            Keys::Prefix(p) => key.starts_with(&**p),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RangeRequest {
    pub keys: Keys,
    /// Values left out of the answer (`--keys-only`).
    pub keys_only: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PutRequest {
    pub key: Rc<str>,
    pub value: Rc<str>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DeleteRequest {
    pub keys: Keys,
}

/// What a compare of a transaction looks at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Version(i64),
    CreateRevision(Revision),
    ModRevision(Revision),
    Value(Rc<str>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Equal,
    NotEqual,
    Greater,
    Less,
}

/// One condition of a transaction: `mod_revision(key) = 7`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Compare {
    pub key: Rc<str>,
    pub target: Target,
    pub op: CompareOp,
}

/// `if compares then success else failure`, applied atomically at one
/// revision. This is how the Kubernetes apiserver writes: a create is
/// `if mod_revision(key) = 0 then put`, an update
/// `if mod_revision(key) = resourceVersion then put else get`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TxnRequest {
    pub compare: Vec<Compare>,
    pub success: Vec<Request>,
    pub failure: Vec<Request>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Request {
    Range(RangeRequest),
    Put(PutRequest),
    Delete(DeleteRequest),
    Txn(TxnRequest),
}

impl Request {
    pub fn get(key: &str) -> Request {
        Request::Range(RangeRequest { keys: Keys::Key(key.into()), keys_only: false })
    }
    pub fn range_prefix(prefix: &str, keys_only: bool) -> Request {
        Request::Range(RangeRequest { keys: Keys::Prefix(prefix.into()), keys_only })
    }
    pub fn put(key: &str, value: &str) -> Request {
        Request::Put(PutRequest { key: key.into(), value: value.into() })
    }
    pub fn delete(keys: Keys) -> Request {
        Request::Delete(DeleteRequest { keys })
    }

    /// Whether applying it can change the store.
    pub fn is_write(&self) -> bool {
        match self {
            Request::Range(_) => false,
            Request::Put(_) | Request::Delete(_) => true,
            Request::Txn(t) => t.success.iter().chain(&t.failure).any(Request::is_write),
        }
    }
}

/// The answer to one request, without the header.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Response {
    Range { kvs: Vec<KeyValue>, count: i64 },
    Put,
    Delete { deleted: i64 },
    Txn { succeeded: bool, responses: Vec<Response> },
}

/// A response with etcd's header: the store's revision once the request
/// was applied.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reply {
    pub revision: Revision,
    pub response: Response,
}

impl fmt::Display for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Keys::Key(k) => f.write_str(k),
            Keys::Prefix(p) => write!(f, "{p}*"),
        }
    }
}

impl fmt::Display for Compare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.op {
            CompareOp::Equal => "=",
            CompareOp::NotEqual => "!=",
            CompareOp::Greater => ">",
            CompareOp::Less => "<",
        };
        let key = &self.key;
        match &self.target {
            Target::Version(v) => write!(f, "version({key}){op}{v}"),
            Target::CreateRevision(r) => write!(f, "create({key}){op}{r}"),
            Target::ModRevision(r) => write!(f, "mod({key}){op}{r}"),
            Target::Value(v) => write!(f, "value({key}){op}{v}"),
        }
    }
}

fn list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Named after etcd's KV service methods (`Range`, `Put`, `DeleteRange`,
/// `Txn`), capitalised as they are, so that a log entry reads apart from
/// the scenario language's own `put(x=1)`: `Range(/registry/*)`,
/// `Put(a=1)`, `DeleteRange(a)`, `Txn(mod(k)=0?Put(k=v):Range(k))`.
impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::Range(r) if r.keys_only => write!(f, "Range({},keys-only)", r.keys),
            Request::Range(r) => write!(f, "Range({})", r.keys),
            Request::Put(p) => write!(f, "Put({}={})", p.key, p.value),
            Request::Delete(d) => write!(f, "DeleteRange({})", d.keys),
            Request::Txn(t) => {
                f.write_str("Txn(")?;
                list(f, &t.compare, "&")?;
                f.write_str("?")?;
                list(f, &t.success, ",")?;
                f.write_str(":")?;
                list(f, &t.failure, ",")?;
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Response::Range { kvs, .. } => {
                f.write_str("[")?;
                for (i, kv) in kvs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    f.write_str(&kv.key)?;
                }
                f.write_str("]")
            }
            Response::Put => f.write_str("put"),
            Response::Delete { deleted } => write!(f, "deleted {deleted}"),
            Response::Txn { succeeded, responses } => {
                f.write_str(if *succeeded { "succeeded" } else { "failed" })?;
                for r in responses {
                    write!(f, " {r}")?;
                }
                Ok(())
            }
        }
    }
}

/// `rev 7 put`, `rev 7 [a b]`, `rev 8 deleted 2`, `rev 9 succeeded put`: how
/// the client's "done" line reports a reply.
impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rev {} {}", self.revision, self.response)
    }
}
