/**
 * Hand-written schemas for the differential test: features the corpus uses rarely or not at all
 * (MongoDB composite types, views, self and named relations, every index option, comments in odd
 * places, non-ASCII names, CRLF). Each must be accepted by Prisma and read identically by our model.
 */

export interface OracleCase {
  name: string;
  files: Array<{ path: string; text: string }>;
}

const pg = (extra = '') => `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\ngenerator client {\n  provider = "prisma-client-js"${extra}\n}\n`;

const one = (name: string, text: string): OracleCase => ({ name, files: [{ path: 'schema.prisma', text }] });

export const ORACLE_CASES: OracleCase[] = [
  one(
    'mongodb composite types',
    `datasource db {
  provider = "mongodb"
  url      = env("DATABASE_URL")
}

/// A postal address.
type Address {
  street String
  /// Optional zip.
  zip    String?
  geo    Geo?
  tags   String[]
}

type Geo {
  lat Float
  lng Float @map("longitude")
}

model User {
  id        String    @id @default(auto()) @map("_id") @db.ObjectId
  email     String    @unique
  address   Address?
  addresses Address[]
  posts     Post[]
  @@map("users")
}

model Post {
  id       String @id @default(auto()) @map("_id") @db.ObjectId
  authorId String @db.ObjectId
  author   User   @relation(fields: [authorId], references: [id])
  @@index([authorId])
}
`,
  ),
  one(
    'views',
    `${pg('\n  previewFeatures = ["views"]')}
model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  name  String?
}

/// Users with a name.
view NamedUser {
  id    Int    @unique
  email String
  name  String
  @@map("named_users")
}

view UserEmail {
  email String
  id    Int
  @@unique([email, id])
}

// A model declared after the views (DMMF lists models first, then views).
model Team {
  id   Int    @id
  name String
}
`,
  ),
  one(
    'relations: self, named, several between the same models, 1:1, implicit m:n',
    `${pg()}
model User {
  id           Int       @id @default(autoincrement())
  managerId    Int?
  manager      User?     @relation("Management", fields: [managerId], references: [id], onDelete: SetNull, onUpdate: NoAction)
  reports      User[]    @relation("Management")
  mentorId     Int?      @unique
  mentor       User?     @relation("Mentoring", fields: [mentorId], references: [id])
  mentee       User?     @relation("Mentoring")
  written      Post[]    @relation(name: "author")
  edited       Post[]    @relation("editor")
  profile      Profile?
  groups       Group[]
  followedBy   User[]    @relation("Follows")
  following    User[]    @relation("Follows")
}

model Profile {
  id     Int  @id @default(autoincrement())
  userId Int  @unique
  user   User @relation(fields: [userId], references: [id], onDelete: Cascade)
}

model Post {
  id       Int   @id @default(autoincrement())
  authorId Int
  editorId Int?
  author   User  @relation("author", fields: [authorId], references: [id], onDelete: Restrict)
  editor   User? @relation("editor", fields: [editorId], references: [id])
}

model Group {
  id    Int    @id @default(autoincrement())
  users User[]
}
`,
  ),
  one(
    'compound relation keys and every id/unique/index option',
    `${pg()}
model Tenant {
  id   Int    @default(autoincrement())
  slug String
  name String @db.VarChar(200)
  docs Doc[]

  @@id([id, slug], name: "tenantKey", map: "tenant_pk")
  @@unique([slug, name(sort: Desc)], name: "slugName", map: "slug_name_key")
  @@unique(fields: [name])
}

model Doc {
  id         String   @id(map: "doc_pk") @default(uuid(7)) @db.Uuid
  tenantId   Int
  tenantSlug String
  title      String   @unique(map: "title_key", sort: Desc)
  body       String?
  tags       String[] @default([])
  score      Decimal  @default(1.50) @db.Decimal(10, 2)
  version    BigInt   @default(0)
  flags      Int[]    @default([1, 2])
  at         DateTime @default(now()) @updatedAt
  tenant     Tenant   @relation(fields: [tenantId, tenantSlug], references: [id, slug], onDelete: Cascade, map: "doc_tenant_fk")

  @@index([tenantId, tenantSlug])
  @@index(fields: [title(sort: Desc), body(ops: raw("text_pattern_ops"))], map: "doc_title_body_idx", type: BTree)
  @@index([tags], type: Gin)
  @@index(at)
  @@index([score], name: "legacy_name_is_map")
  @@index([version(sort: Asc)], type: Brin)
  @@map("documents")
}
`,
  ),
  one(
    'mysql: fulltext, length, relationMode prisma',
    `datasource db {
  provider     = "mysql"
  url          = env("DATABASE_URL")
  relationMode = "prisma"
}

model Article {
  id       Int     @id @default(autoincrement())
  title    String  @db.VarChar(255)
  body     String  @db.Text
  slug     String  @unique(length: 100) @db.VarChar(3000)
  authorId Int
  author   Author  @relation(fields: [authorId], references: [id])

  @@fulltext([title, body])
  @@fulltext([body], map: "body_ft")
  @@index([authorId])
  @@index([body(length: 20), title(sort: Desc)])
}

model Author {
  id       Int       @id @default(autoincrement())
  articles Article[]
}
`,
  ),
  one(
    'sqlserver clustered',
    `datasource db {
  provider = "sqlserver"
  url      = env("DATABASE_URL")
}

model Event {
  id  Int      @id(clustered: false) @default(autoincrement())
  at  DateTime
  key String   @unique(clustered: true)

  @@index([at], clustered: false)
}
`,
  ),
  one(
    'multiSchema, ignore, Unsupported, @map/@@map, enums',
    `${pg('\n  previewFeatures = ["multiSchema"]').replace('url      = env("DATABASE_URL")', 'url      = env("DATABASE_URL")\n  schemas  = ["auth", "public"]')}
/// Roles.
enum Role {
  /// The default.
  USER   @map("user")
  ADMIN  /// Trailing doc.
  @@map("role")
  @@schema("auth")
}

model Account {
  id       Int                      @id @default(autoincrement())
  role     Role                     @default(USER)
  roles    Role[]                   @default([USER, ADMIN])
  search   Unsupported("tsvector")?
  shape    Unsupported("circle")    @default(dbgenerated("'<(0,0),1>'::circle"))
  legacy   String?                  @ignore
  email    String                   @map("email_address") @db.Citext
  @@index([search], type: Gin)
  @@map("accounts")
  @@schema("auth")
}

model Legacy {
  id Int @id
  @@ignore
  @@schema("public")
}
`,
  ),
  one(
    'comments attached the way Prisma attaches them',
    `${pg()}
// Not documentation.
/// Model doc 1.
// interleaved
/// Model doc 2.
model Thing {
  /// Above id.
  id    Int @id /// And trailing.

  /// Separated by a blank line, still attached.

  a     Int
  /// Doc for b.
  // plain comment in the same run
  b     Int // trailing plain
  /// Kept across a block attribute.
  @@index([a])
  c     Int
  /// First run.

  // Second run replaces it.
  d     Int
  e     Int /// t1
  /// Not joined with t1.
  f     Int
  ///    Leading spaces go, trailing stay.   
  g     Int
  /* Block comment doc. */
  h     Int
  /**
   * JSDoc style.
   */
  i     Int
  // 😀 an emoji before a field
  j     Int
  /// Doc at the end is lost.
}

/// Separated from the model by a blank line: not attached.

model Other {
  id Int @id
}
`,
  ),
  one(
    'non-ASCII names, tabs, odd spacing',
    `${pg()}
model Café {
\tid\tInt\t@id
  naïve    String    @default("été ☕")
  größe    Int?      // Größe in cm 😀
  ünïcödé  Ölçü
  tags String[]@default([])
  n Int@default(-3)@map("n_col")
  @@index ([größe])
}

enum Ölçü {
  Küçük
  Büyük
}
`,
  ),
  one(
    'CRLF line endings',
    `${pg()}
/// Doc.
model User {
  id    Int     @id @default(autoincrement()) /// trailing
  email String  @unique
  posts Post[]
}

model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
  @@index([authorId])
}
`.replace(/\n/g, '\r\n'),
  ),
  {
    name: 'multi-file schema with relations across files',
    files: [
      { path: 'prisma/schema/schema.prisma', text: `${pg('\n  previewFeatures = ["prismaSchemaFolder"]')}` },
      {
        path: 'prisma/schema/user.prisma',
        text: `model User {\n  id    Int    @id @default(autoincrement())\n  posts Post[]\n  role  Role   @default(MEMBER)\n}\n`,
      },
      {
        path: 'prisma/schema/post.prisma',
        text: `/// Posts.\nmodel Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n\nenum Role {\n  MEMBER\n  OWNER\n}\n`,
      },
    ],
  },
];
