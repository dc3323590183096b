-- invite_sends_by_user served only a privacy deletion's DELETE of the user's own sends. That deletion also
-- matches again the sends the user accepted (accepted_user, which no index holds), so it reads the
-- workspace's sends anyway; meanwhile every new send paid a random-key insert into this index (a B-tree
-- page rewritten per send at each commit).
DROP INDEX IF EXISTS invite_sends_by_user;
