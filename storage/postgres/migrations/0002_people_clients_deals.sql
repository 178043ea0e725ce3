-- Users, invites, work chats, clients, deals, tasks, intakes and the registry cache (storage S1).
SELECT 1;
