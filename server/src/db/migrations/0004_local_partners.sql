CREATE TABLE "password_resets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"superseded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "local_partners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"company_name" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_by" uuid,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "local_partner_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"local_partner_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"role" text NOT NULL,
	"shared_by" uuid NOT NULL,
	"shared_at" timestamp with time zone NOT NULL,
	"removed_by" uuid,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "local_partner_host_admins" (
	"workspace_id" uuid NOT NULL,
	"local_partner_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "local_partner_host_admins_local_partner_id_user_id_pk" PRIMARY KEY("local_partner_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "password_reset_required_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invites" ADD COLUMN "local_partner_id" uuid;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "local_partner_id" uuid;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "terms_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "terms_version" text;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "corporate_domains" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partners" ADD CONSTRAINT "local_partners_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partners" ADD CONSTRAINT "local_partners_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partners" ADD CONSTRAINT "local_partners_removed_by_users_id_fk" FOREIGN KEY ("removed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partner_accounts" ADD CONSTRAINT "local_partner_accounts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partner_accounts" ADD CONSTRAINT "local_partner_accounts_local_partner_id_local_partners_id_fk" FOREIGN KEY ("local_partner_id") REFERENCES "public"."local_partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partner_accounts" ADD CONSTRAINT "local_partner_accounts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partner_accounts" ADD CONSTRAINT "local_partner_accounts_shared_by_users_id_fk" FOREIGN KEY ("shared_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partner_accounts" ADD CONSTRAINT "local_partner_accounts_removed_by_users_id_fk" FOREIGN KEY ("removed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partner_host_admins" ADD CONSTRAINT "local_partner_host_admins_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partner_host_admins" ADD CONSTRAINT "local_partner_host_admins_local_partner_id_local_partners_id_fk" FOREIGN KEY ("local_partner_id") REFERENCES "public"."local_partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partner_host_admins" ADD CONSTRAINT "local_partner_host_admins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_partner_host_admins" ADD CONSTRAINT "local_partner_host_admins_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "password_resets_token_hash_key" ON "password_resets" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "password_resets_user_idx" ON "password_resets" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "local_partners_workspace_id_id_idx" ON "local_partners" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "local_partners_one_active_name_idx" ON "local_partners" USING btree ("workspace_id",lower("company_name")) WHERE "local_partners"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "local_partner_accounts_one_live_idx" ON "local_partner_accounts" USING btree ("local_partner_id","account_id") WHERE "local_partner_accounts"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "local_partner_accounts_account_idx" ON "local_partner_accounts" USING btree ("workspace_id","account_id") WHERE "local_partner_accounts"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "local_partner_host_admins_user_idx" ON "local_partner_host_admins" USING btree ("workspace_id","user_id");--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_local_partner_id_local_partners_id_fk" FOREIGN KEY ("local_partner_id") REFERENCES "public"."local_partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_local_partner_id_local_partners_id_fk" FOREIGN KEY ("local_partner_id") REFERENCES "public"."local_partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invites_local_partner_idx" ON "invites" USING btree ("local_partner_id","status") WHERE "invites"."local_partner_id" is not null;--> statement-breakpoint
CREATE INDEX "memberships_local_partner_idx" ON "memberships" USING btree ("local_partner_id") WHERE "memberships"."local_partner_id" is not null;--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_guest_partner_check" CHECK (("invites"."role" in ('guest_admin', 'guest_user')) = ("invites"."local_partner_id" is not null));--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_guest_partner_check" CHECK (("memberships"."role" in ('guest_admin', 'guest_user')) = ("memberships"."local_partner_id" is not null));