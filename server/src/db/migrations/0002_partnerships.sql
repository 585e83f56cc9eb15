CREATE TABLE "access_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"host_workspace_id" uuid NOT NULL,
	"guest_workspace_id" uuid NOT NULL,
	"partnership_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"requester_user_id" uuid NOT NULL,
	"target_user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"cancel_reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "partnership_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"host_workspace_id" uuid NOT NULL,
	"partnership_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"role" text NOT NULL,
	"shared_by" uuid NOT NULL,
	"shared_at" timestamp with time zone NOT NULL,
	"removed_by" uuid,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "partnership_owners" (
	"host_workspace_id" uuid NOT NULL,
	"partnership_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partnership_owners_partnership_id_user_id_pk" PRIMARY KEY("partnership_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "partnerships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"host_workspace_id" uuid NOT NULL,
	"guest_workspace_id" uuid NOT NULL,
	"state" text NOT NULL,
	"partner_email" text NOT NULL,
	"reason" text,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"host_decided_by" uuid,
	"host_decided_at" timestamp with time zone,
	"host_decline_reason" text,
	"guest_decided_by" uuid,
	"guest_decided_at" timestamp with time zone,
	"tos_accepted_at" timestamp with time zone,
	"tos_version" text,
	"guest_contact_user_id" uuid,
	"allow_manager_requests" boolean DEFAULT false NOT NULL,
	"last_reminder_at" timestamp with time zone,
	"last_resent_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"removed_by" uuid,
	"removed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "grants_user_live_idx";--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "subject_workspace_id" uuid;--> statement-breakpoint
-- Every grant so far is a direct one, held in the account's own workspace.
UPDATE "grants" SET "subject_workspace_id" = "workspace_id";--> statement-breakpoint
ALTER TABLE "grants" ALTER COLUMN "subject_workspace_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "activity_events" ADD COLUMN "partner_workspace_id" uuid;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_host_workspace_id_workspaces_id_fk" FOREIGN KEY ("host_workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_guest_workspace_id_workspaces_id_fk" FOREIGN KEY ("guest_workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_requester_user_id_users_id_fk" FOREIGN KEY ("requester_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_target_user_id_users_id_fk" FOREIGN KEY ("target_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_accounts" ADD CONSTRAINT "partnership_accounts_host_workspace_id_workspaces_id_fk" FOREIGN KEY ("host_workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_accounts" ADD CONSTRAINT "partnership_accounts_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_accounts" ADD CONSTRAINT "partnership_accounts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_accounts" ADD CONSTRAINT "partnership_accounts_shared_by_users_id_fk" FOREIGN KEY ("shared_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_accounts" ADD CONSTRAINT "partnership_accounts_removed_by_users_id_fk" FOREIGN KEY ("removed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_owners" ADD CONSTRAINT "partnership_owners_host_workspace_id_workspaces_id_fk" FOREIGN KEY ("host_workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_owners" ADD CONSTRAINT "partnership_owners_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_owners" ADD CONSTRAINT "partnership_owners_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_owners" ADD CONSTRAINT "partnership_owners_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_host_workspace_id_workspaces_id_fk" FOREIGN KEY ("host_workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_guest_workspace_id_workspaces_id_fk" FOREIGN KEY ("guest_workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_host_decided_by_users_id_fk" FOREIGN KEY ("host_decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_guest_decided_by_users_id_fk" FOREIGN KEY ("guest_decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_guest_contact_user_id_users_id_fk" FOREIGN KEY ("guest_contact_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_removed_by_users_id_fk" FOREIGN KEY ("removed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "access_requests_one_pending_idx" ON "access_requests" USING btree ("partnership_id","account_id","target_user_id") WHERE "access_requests"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "access_requests_host_account_idx" ON "access_requests" USING btree ("host_workspace_id","account_id","status");--> statement-breakpoint
CREATE INDEX "access_requests_guest_idx" ON "access_requests" USING btree ("guest_workspace_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "partnership_accounts_one_live_idx" ON "partnership_accounts" USING btree ("partnership_id","account_id") WHERE "partnership_accounts"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "partnership_accounts_account_idx" ON "partnership_accounts" USING btree ("host_workspace_id","account_id") WHERE "partnership_accounts"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "partnership_owners_user_idx" ON "partnership_owners" USING btree ("host_workspace_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "partnerships_one_live_per_pair_idx" ON "partnerships" USING btree ("host_workspace_id","guest_workspace_id") WHERE "partnerships"."state" in ('awaiting_host_admin', 'awaiting_guest_admin', 'active', 'declined_by_guest');--> statement-breakpoint
CREATE INDEX "partnerships_host_idx" ON "partnerships" USING btree ("host_workspace_id","state");--> statement-breakpoint
CREATE INDEX "partnerships_guest_idx" ON "partnerships" USING btree ("guest_workspace_id","state");--> statement-breakpoint
CREATE INDEX "partnerships_pending_expiry_idx" ON "partnerships" USING btree ("expires_at") WHERE "partnerships"."state" in ('awaiting_host_admin', 'awaiting_guest_admin');--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_subject_workspace_id_workspaces_id_fk" FOREIGN KEY ("subject_workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "grants_source_live_idx" ON "grants" USING btree ("source_kind","source_id") WHERE "grants"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "activity_partner_time_idx" ON "activity_events" USING btree ("partner_workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "activity_events"."partner_workspace_id" is not null;--> statement-breakpoint
CREATE INDEX "grants_user_live_idx" ON "grants" USING btree ("user_id","subject_workspace_id","account_id") WHERE "grants"."revoked_at" is null;