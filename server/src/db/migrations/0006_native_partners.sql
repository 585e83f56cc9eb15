CREATE TABLE "native_assets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"hub_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"type" text NOT NULL,
	"raw_type" text NOT NULL,
	"name" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "native_hub_owners" (
	"workspace_id" uuid NOT NULL,
	"hub_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "native_hub_owners_hub_id_user_id_pk" PRIMARY KEY("hub_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "native_hubs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"credential_sealed" text,
	"caller_role" text,
	"can_read" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cannot_read" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_check_at" timestamp with time zone,
	"last_discovery_at" timestamp with time zone,
	"connected_by" uuid NOT NULL,
	"connected_at" timestamp with time zone NOT NULL,
	"disconnected_by" uuid,
	"disconnected_at" timestamp with time zone,
	CONSTRAINT "native_hubs_credential_check" CHECK (("native_hubs"."status" = 'connected') = ("native_hubs"."credential_sealed" is not null))
);
--> statement-breakpoint
CREATE TABLE "native_partner_assets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"raw_roles" jsonb NOT NULL,
	"level" text NOT NULL,
	"status" text NOT NULL,
	"people_visibility" text DEFAULT 'unknown' NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "native_partners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"hub_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"external_id" text NOT NULL,
	"name" text,
	"contact_email" text,
	"status" text NOT NULL,
	"credential_sealed" text,
	"onboarded_by" uuid,
	"onboarded_at" timestamp with time zone,
	"shared_assets" integer DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	CONSTRAINT "native_partners_credential_check" CHECK (("native_partners"."status" = 'onboarded') = ("native_partners"."credential_sealed" is not null))
);
--> statement-breakpoint
CREATE TABLE "native_people" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"kind" text NOT NULL,
	"display_name" text,
	"email" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone,
	"appeared_job_id" uuid,
	"stale" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "native_person_access" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"raw_roles" jsonb NOT NULL,
	"level" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone,
	"first_seen_job_id" uuid NOT NULL,
	"last_seen_job_id" uuid NOT NULL,
	"changed_job_id" uuid,
	"previous_raw_roles" jsonb,
	"previous_level" text
);
--> statement-breakpoint
CREATE TABLE "native_sync_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"total" integer,
	"reason" text,
	"requested_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "native_sync_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"seq" bigserial NOT NULL,
	"status" text NOT NULL,
	"message" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "native_sync_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"assets" integer NOT NULL,
	"people" integer NOT NULL,
	"accesses" integer NOT NULL,
	"new_people" integer NOT NULL,
	"lost_people" integer NOT NULL,
	"changed_accesses" integer NOT NULL,
	"diff" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "native_assets" ADD CONSTRAINT "native_assets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_assets" ADD CONSTRAINT "native_assets_hub_id_native_hubs_id_fk" FOREIGN KEY ("hub_id") REFERENCES "public"."native_hubs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_hub_owners" ADD CONSTRAINT "native_hub_owners_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_hub_owners" ADD CONSTRAINT "native_hub_owners_hub_id_native_hubs_id_fk" FOREIGN KEY ("hub_id") REFERENCES "public"."native_hubs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_hub_owners" ADD CONSTRAINT "native_hub_owners_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_hubs" ADD CONSTRAINT "native_hubs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_hubs" ADD CONSTRAINT "native_hubs_connected_by_users_id_fk" FOREIGN KEY ("connected_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_hubs" ADD CONSTRAINT "native_hubs_disconnected_by_users_id_fk" FOREIGN KEY ("disconnected_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_partner_assets" ADD CONSTRAINT "native_partner_assets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_partner_assets" ADD CONSTRAINT "native_partner_assets_partner_id_native_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."native_partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_partner_assets" ADD CONSTRAINT "native_partner_assets_asset_id_native_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."native_assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_partners" ADD CONSTRAINT "native_partners_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_partners" ADD CONSTRAINT "native_partners_hub_id_native_hubs_id_fk" FOREIGN KEY ("hub_id") REFERENCES "public"."native_hubs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_partners" ADD CONSTRAINT "native_partners_onboarded_by_users_id_fk" FOREIGN KEY ("onboarded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_people" ADD CONSTRAINT "native_people_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_people" ADD CONSTRAINT "native_people_partner_id_native_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."native_partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_person_access" ADD CONSTRAINT "native_person_access_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_person_access" ADD CONSTRAINT "native_person_access_partner_id_native_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."native_partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_person_access" ADD CONSTRAINT "native_person_access_person_id_native_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."native_people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_person_access" ADD CONSTRAINT "native_person_access_asset_id_native_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."native_assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_sync_jobs" ADD CONSTRAINT "native_sync_jobs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_sync_jobs" ADD CONSTRAINT "native_sync_jobs_partner_id_native_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."native_partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_sync_jobs" ADD CONSTRAINT "native_sync_jobs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_sync_log" ADD CONSTRAINT "native_sync_log_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_sync_log" ADD CONSTRAINT "native_sync_log_job_id_native_sync_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."native_sync_jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_sync_snapshots" ADD CONSTRAINT "native_sync_snapshots_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_sync_snapshots" ADD CONSTRAINT "native_sync_snapshots_partner_id_native_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."native_partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "native_sync_snapshots" ADD CONSTRAINT "native_sync_snapshots_job_id_native_sync_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."native_sync_jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "native_assets_external_idx" ON "native_assets" USING btree ("hub_id","external_id");--> statement-breakpoint
CREATE INDEX "native_hub_owners_user_idx" ON "native_hub_owners" USING btree ("workspace_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "native_hubs_external_idx" ON "native_hubs" USING btree ("workspace_id","platform","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "native_partner_assets_idx" ON "native_partner_assets" USING btree ("partner_id","asset_id");--> statement-breakpoint
CREATE INDEX "native_partner_assets_ws_idx" ON "native_partner_assets" USING btree ("workspace_id","partner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "native_partners_external_idx" ON "native_partners" USING btree ("hub_id","external_id");--> statement-breakpoint
CREATE INDEX "native_partners_workspace_idx" ON "native_partners" USING btree ("workspace_id","platform","status");--> statement-breakpoint
CREATE UNIQUE INDEX "native_people_external_idx" ON "native_people" USING btree ("partner_id","external_id");--> statement-breakpoint
CREATE INDEX "native_people_ws_idx" ON "native_people" USING btree ("workspace_id","partner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "native_person_access_idx" ON "native_person_access" USING btree ("person_id","asset_id");--> statement-breakpoint
CREATE INDEX "native_person_access_partner_idx" ON "native_person_access" USING btree ("workspace_id","partner_id","asset_id");--> statement-breakpoint
CREATE UNIQUE INDEX "native_sync_jobs_one_live_idx" ON "native_sync_jobs" USING btree ("partner_id") WHERE "native_sync_jobs"."status" in ('queued', 'running', 'retrying');--> statement-breakpoint
CREATE INDEX "native_sync_jobs_partner_idx" ON "native_sync_jobs" USING btree ("workspace_id","partner_id","created_at");--> statement-breakpoint
CREATE INDEX "native_sync_jobs_queued_idx" ON "native_sync_jobs" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "native_sync_log_job_idx" ON "native_sync_log" USING btree ("job_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "native_sync_snapshots_job_idx" ON "native_sync_snapshots" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "native_sync_snapshots_partner_idx" ON "native_sync_snapshots" USING btree ("workspace_id","partner_id","taken_at");