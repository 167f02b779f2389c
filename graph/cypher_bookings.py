"""The Cypher of the Neo4j store's bookings (run by graph/neo4j_bookings.py): named constants.

(:Booking {id, status, name, project, request (JSON text), start, end, allocation, booked_by,
booked_role, booked_at, updated_at}), (:Person)-[:BOOKED {allocation, status}]->(:Booking) and
(:BookingEvent {booking, seq, at, action, by, role, person, detail}). Inputs are $parameters.
"""

from __future__ import annotations

SCHEMA_BY_NAME: dict[str, str] = {
    "booking_id": "CREATE CONSTRAINT booking_id IF NOT EXISTS FOR (n:Booking) REQUIRE n.id IS UNIQUE",
    "booking_event_key": ("CREATE CONSTRAINT booking_event_key IF NOT EXISTS FOR (e:BookingEvent) "
                          "REQUIRE (e.booking, e.seq) IS UNIQUE"),
    "booking_by_project": "CREATE INDEX booking_by_project IF NOT EXISTS FOR (n:Booking) ON (n.project)",
    "booking_by_booker": "CREATE INDEX booking_by_booker IF NOT EXISTS FOR (n:Booking) ON (n.booked_by)",
    "booking_event_by": "CREATE INDEX booking_event_by IF NOT EXISTS FOR (e:BookingEvent) ON (e.by)",
    "booking_event_person": "CREATE INDEX booking_event_person IF NOT EXISTS FOR (e:BookingEvent) ON (e.person)",
}

_MEMBERS = ("OPTIONAL MATCH (p:Person)-[r:BOOKED]->(b) "
            "WITH b, collect(CASE WHEN p IS NULL THEN null ELSE "
            "{person: p.id, allocation: r.allocation, status: r.status} END) AS members ")
GET = "MATCH (b:Booking {id: $id}) " + _MEMBERS + "RETURN b {.*} AS b, members"
LIST = ("MATCH (b:Booking) WHERE ($project IS NULL OR b.project = $project) "
        "AND ($booked_by IS NULL OR b.booked_by = $booked_by) AND ($statuses IS NULL OR b.status IN $statuses) "
        "AND ($person IS NULL OR EXISTS { (:Person {id: $person})-[:BOOKED]->(b) }) "
        + _MEMBERS + "RETURN b {.*} AS b, members")
PERSON_MENTIONS = "MATCH (p:Person {id: $id}) RETURN p.name AS name, p.email AS email"
ALL = "MATCH (b:Booking) " + _MEMBERS + "RETURN b {.*} AS b, members"
SET_REQUEST = "MATCH (b:Booking {id: $id}) SET b.name = $name, b.request = $request RETURN count(b) AS n"
ALL_EVENT_DETAILS = "MATCH (e:BookingEvent) WHERE e.detail <> '' RETURN e.booking AS booking, e.seq AS seq, e.detail AS detail"
SET_EVENT_DETAIL = ("MATCH (e:BookingEvent {booking: $booking, seq: $seq}) SET e.detail = $detail "
                    "RETURN count(e) AS n")
EXISTS = "OPTIONAL MATCH (b:Booking {id: $id}) RETURN b IS NOT NULL AS found"
PROJECT_EXISTS = "OPTIONAL MATCH (j:Project {id: $id}) RETURN j IS NOT NULL AS found"
LIVE_MEMBERS = ("UNWIND $ids AS id MATCH (p:Person {id: id})-[r:BOOKED]->(b:Booking) "
                "WHERE r.status = 'booked' AND b.status IN $statuses AND b.start <= $end AND b.end >= $start "
                "AND b.id <> $exclude "
                "RETURN b {.*} AS b, [{person: p.id, allocation: r.allocation, status: r.status}] AS members")
CREATE = ("CREATE (b:Booking) SET b = $props WITH b UNWIND $members AS m MATCH (p:Person {id: m.person}) "
          "CREATE (p)-[:BOOKED {allocation: m.allocation, status: m.status}]->(b) RETURN count(*) AS n")
RELEASE = ("MATCH (:Person {id: $person})-[r:BOOKED]->(:Booking {id: $id}) SET r.status = 'released' "
           "RETURN count(r) AS n")
SET_STATUS = "MATCH (b:Booking {id: $id}) SET b.status = $status, b.updated_at = $at RETURN count(b) AS n"
NEXT_SEQ = "OPTIONAL MATCH (e:BookingEvent {booking: $id}) RETURN coalesce(max(e.seq), 0) + 1 AS seq"
EVENT = "CREATE (e:BookingEvent) SET e = $props"
EVENTS = "MATCH (e:BookingEvent {booking: $id}) RETURN e {.*} AS e ORDER BY e.seq"
# Before people are deleted (ingest deletes, forget_person): their BOOKED relationships go with
# DETACH DELETE; references to them by id in bookings and events become null.
DETACH_PEOPLE = ("UNWIND $ids AS id "
                 "CALL (id) { MATCH (b:Booking) WHERE b.booked_by = id SET b.booked_by = null } "
                 "CALL (id) { MATCH (e:BookingEvent) WHERE e.by = id SET e.by = null } "
                 "CALL (id) { MATCH (e:BookingEvent) WHERE e.person = id SET e.person = null }")
